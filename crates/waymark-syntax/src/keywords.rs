//! The words that may start a line, and the grammar rule each one selects.

use crate::grammar::Rule;

/// Words that start the procedure header's detail lines.
pub const HEADER_KEYWORDS: &[&str] = &["procedure", "version", "effective", "calendar", "source"];

/// Words that start a declaration or an item.
pub const ITEM_KEYWORDS: &[&str] = &[
    "use",
    "role",
    "fact",
    "start",
    "step",
    "decision",
    "together",
    "checkpoint",
    "recurring",
    "end",
];

/// Words that start a detail line of an item.
pub const CLAUSE_KEYWORDS: &[&str] = &[
    "by",
    "due",
    "target",
    "overrun",
    "untimed",
    "waivable",
    "may",
    "optional",
    "outcomes",
    "on",
    "then",
    "otherwise",
    "all",
    "any",
    "at",
    "every",
    "until",
    "cite",
    "approved",
    "extendable",
];

/// Every word that may start a line.
pub const KEYWORDS: &[&str] = &[
    "procedure",
    "version",
    "effective",
    "calendar",
    "source",
    "use",
    "role",
    "fact",
    "start",
    "step",
    "decision",
    "together",
    "checkpoint",
    "recurring",
    "end",
    "by",
    "due",
    "target",
    "overrun",
    "untimed",
    "waivable",
    "may",
    "optional",
    "outcomes",
    "on",
    "then",
    "otherwise",
    "all",
    "any",
    "at",
    "every",
    "until",
    "cite",
    "approved",
    "extendable",
];

/// The grammar rule for a line that starts with `word`.
pub fn line_rule(word: &str) -> Option<Rule> {
    Some(match word {
        "procedure" => Rule::procedure_line,
        "version" => Rule::version_line,
        "effective" => Rule::effective_line,
        "calendar" => Rule::calendar_line,
        "source" => Rule::source_line,
        "use" => Rule::use_line,
        "role" => Rule::role_line,
        "fact" => Rule::fact_line,
        "start" => Rule::start_line,
        "step" => Rule::step_line,
        "decision" => Rule::decision_line,
        "together" => Rule::together_line,
        "checkpoint" => Rule::checkpoint_line,
        "recurring" => Rule::recurring_line,
        "end" => Rule::end_line,
        "by" => Rule::by_line,
        "due" => Rule::due_line,
        "target" => Rule::target_line,
        "overrun" => Rule::overrun_line,
        "untimed" => Rule::untimed_line,
        "waivable" => Rule::waivable_line,
        "may" => Rule::may_line,
        "optional" => Rule::optional_line,
        "outcomes" => Rule::outcomes_line,
        "on" => Rule::on_line,
        "then" => Rule::then_line,
        "otherwise" => Rule::otherwise_line,
        "all" => Rule::all_line,
        "any" => Rule::any_line,
        "at" => Rule::at_line,
        "every" => Rule::every_line,
        "until" => Rule::until_line,
        "cite" => Rule::cite_line,
        "approved" => Rule::approved_line,
        "extendable" => Rule::extendable_line,
        _ => return None,
    })
}

/// A correct example of each kind of line, used as help when a line is malformed.
pub fn example(word: &str) -> &'static str {
    match word {
        "procedure" => "procedure assessment \"Child and Family Assessment\"",
        "version" => "version \"2025-12\"",
        "effective" => "effective 2025-12-10",
        "calendar" => "calendar england-and-wales",
        "source" => {
            "source protocol \"Local Protocol for Assessment and Support\" updated 2025-12-10"
        }
        "use" => "use section47 from \"section47.wm\"",
        "role" => "role manager \"Social Work Manager\"",
        "fact" => "fact threshold is one of level2, level3, level4",
        "start" => "start referral",
        "step" => "step initial_visit \"Initial visit\"",
        "decision" => "decision strategy_discussion \"Strategy discussion\"",
        "together" => "together assessment_work \"Assessment work\"",
        "checkpoint" => "checkpoint review \"Manager review\"",
        "recurring" => "recurring joint_visit \"Joint home visit\"",
        "end" => "end no_further_action \"No further action\"",
        "by" => "by social_worker or family_practitioner when threshold is level3",
        "due" => "due 45 working days after referral",
        "target" => "target 30 working days after referral",
        "overrun" => "overrun needs reason",
        "untimed" => "untimed \"the clock starts here\"",
        "waivable" => "waivable with reason",
        "may" => "may repeat",
        "optional" => "optional \"only when an agency cannot attend the meeting\"",
        "outcomes" => "outcomes section47, section17",
        "on" => "on section47 then section47_enquiry",
        "then" => "then assessment_plan when threshold is level4",
        "otherwise" => "otherwise early_help",
        "all" => "all of initial_visit, child_seen_alone",
        "any" => "any of legal_planning_referral, legal_representative_invited",
        "at" => "at 5, 15, 30 working days after referral",
        "every" => "every 6 weeks while child_protection_plan when threshold is level3",
        "until" => "until assessment_complete",
        "cite" => "cite protocol \"45 working days\" in \"Timescales\"",
        "approved" => "approved by manager",
        "extendable" => "extendable by up to 10 working days with reason, approved by manager",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_lists_agree() {
        let mut joined: Vec<&str> = HEADER_KEYWORDS
            .iter()
            .chain(ITEM_KEYWORDS)
            .chain(CLAUSE_KEYWORDS)
            .copied()
            .collect();
        let mut all = KEYWORDS.to_vec();
        joined.sort_unstable();
        all.sort_unstable();
        assert_eq!(joined, all);
        for word in KEYWORDS {
            assert!(line_rule(word).is_some(), "{word} has no rule");
            assert!(!example(word).is_empty(), "{word} has no example");
        }
    }
}
