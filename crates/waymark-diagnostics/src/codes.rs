//! The one table of diagnostic codes. Every code appears here exactly once.
//!
//! Numbering is by stage, so the code names the crate that raises it:
//!
//! | block    | stage                                   | crate               |
//! |----------|-----------------------------------------|---------------------|
//! | `WM00xx` | reading input files                     | `waymark-cli`       |
//! | `WM01xx` | syntax: lines, keywords, literals       | `waymark-syntax`    |
//! | `WM02xx` | compile: names, types, imports          | `waymark-compile`   |
//! | `WM03xx` | check: graph shape, deadlines, sources  | `waymark-check`     |
//! | `WM04xx` | calendars and dates                     | `waymark-calendar`  |
//! | `WM05xx` | case data: JSON Lines and CSV records   | `waymark-run`       |
//! | `WM06xx` | census files and census mappings        | `waymark-census`    |
//!
//! Each code's long explanation lives in `explanations/<CODE>.md` beside this crate; `waymark
//! explain CODE` prints it and `docs/diagnostics.md` is generated from this table (a test keeps
//! the two in step). Names describe the problem, not the fix.

/// How serious a diagnostic is. Warnings do not fail `waymark check` unless `--deny-warnings`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! code_table {
    ($( $variant:ident = $code:literal, $name:literal, $severity:ident, $summary:literal; )*) => {
        /// A stable diagnostic code such as `WM0101`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $( $variant ),* }

        /// Every code, in numeric order.
        pub const ALL: &[Code] = &[ $( Code::$variant ),* ];

        impl Code {
            /// The code as users see it, e.g. `WM0101`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code ),* }
            }

            /// A kebab-case name for the problem, e.g. `unknown-keyword`.
            pub fn name(self) -> &'static str {
                match self { $( Code::$variant => $name ),* }
            }

            /// The severity this code has unless `--deny-warnings` raises it.
            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity ),* }
            }

            /// One line saying what the code means.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => $summary ),* }
            }

            /// The long explanation printed by `waymark explain`.
            pub fn explanation(self) -> &'static str {
                match self {
                    $( Code::$variant => include_str!(concat!("../explanations/", $code, ".md")) ),*
                }
            }
        }
    };
}

code_table! {
    // Reading input files.
    FileUnreadable = "WM0001", "file-unreadable", Error, "a file could not be read";
    FileNotUtf8 = "WM0002", "file-not-utf8", Error, "a file is not UTF-8 text";
    FileEmpty = "WM0003", "file-empty", Error, "a procedure file is empty";
    FileBinary = "WM0004", "file-binary", Error, "a file holds binary data, not text";
    FileTooLarge = "WM0005", "file-too-large", Error, "a file is larger than Waymark will read";
    NotARegularFile = "WM0006", "not-a-regular-file", Error, "a file named as input is a device or a pipe, not a regular file";
    OutputIsInput = "WM0007", "output-is-input", Error, "`-o` names a file the same command reads";
    FileIsATestFile = "WM0008", "file-is-a-test-file", Error, "a test file (`*.wmtest`) is given where a procedure is read";

    // Syntax.
    UnknownKeyword = "WM0101", "unknown-keyword", Error, "a line starts with a word that is not a keyword";
    MalformedLine = "WM0102", "malformed-line", Error, "a line does not follow the shape its keyword needs";
    ClauseOutsideItem = "WM0103", "clause-outside-item", Error, "a detail line comes before any step, decision or other item";
    ClauseNotAllowed = "WM0104", "clause-not-allowed", Error, "a detail line does not belong in this kind of item";
    UnterminatedText = "WM0105", "unterminated-text", Error, "a quoted text has no closing quote";
    InvalidDate = "WM0106", "invalid-date", Error, "a date is not a real calendar date";
    UnknownUnit = "WM0107", "unknown-unit", Error, "a deadline uses a unit of time Waymark does not know";
    MissingProcedureHeader = "WM0108", "missing-procedure-header", Error, "the file does not begin with a `procedure` line";
    RepeatedClause = "WM0109", "repeated-clause", Error, "a detail that may be given once is given twice";
    NumberOutOfRange = "WM0110", "number-out-of-range", Error, "a number is too large to be an amount of time";
    RepeatedHeader = "WM0111", "repeated-header", Error, "a file has more than one `procedure` line";
    InvalidName = "WM0112", "invalid-name", Error, "a name is not written in lower_snake_case";
    HeaderDetailOutOfPlace = "WM0113", "header-detail-out-of-place", Error, "a procedure detail appears after the first item";
    MissingClause = "WM0114", "missing-clause", Error, "an item lacks a detail line that its kind needs";
    ContinuationWithoutText = "WM0115", "continuation-without-text", Error, "a line that continues a quoted text has no text above it to continue";
    ContinuationNotIndented = "WM0116", "continuation-not-indented", Error, "a quoted text under a text is not indented deeper than the line it would continue";
    TextBrokenAtSpace = "WM0117", "text-broken-at-space", Error, "a text continued on the next line is broken beside a space, or has an empty piece";
    PiecesListedBothWays = "WM0118", "pieces-listed-both-ways", Error, "a together block has both an `all of` and an `any of` line";
    OutcomeRouteNeverTaken = "WM0119", "outcome-route-never-taken", Error, "a route for a decision's outcome comes after one that is always taken";
    OutcomeOtherwiseWithoutCondition = "WM0120", "outcome-otherwise-without-condition", Error, "`on OUTCOME otherwise` has no route with a condition above it";

    // Compile: names, types, imports.
    UnknownStep = "WM0201", "unknown-step", Error, "a step, decision or end is named but never declared";
    UnknownRole = "WM0202", "unknown-role", Error, "a role is named but never declared";
    UnknownFact = "WM0203", "unknown-fact", Error, "a fact is named but never declared";
    UnknownOutcome = "WM0204", "unknown-outcome", Error, "a decision handles an outcome it does not declare";
    UnknownSource = "WM0205", "unknown-source", Error, "a citation names a source document the procedure does not declare";
    UnknownProcedure = "WM0206", "unknown-procedure", Error, "a procedure is named but never imported with `use`";
    DuplicateName = "WM0207", "duplicate-name", Error, "two things of the same kind share a name";
    UnknownValue = "WM0208", "unknown-value", Error, "a guard compares a fact with a value it cannot take";
    MissingStart = "WM0209", "missing-start", Error, "the procedure has no `start` line";
    UsedFileUnreadable = "WM0210", "used-file-unreadable", Error, "a file imported with `use` could not be read or parsed";
    UnknownCalendar = "WM0211", "unknown-calendar", Error, "the procedure names a calendar Waymark does not know";
    ConflictingDefinition = "WM0212", "conflicting-definition", Error, "a role or fact is declared differently in two files";
    UseCycle = "WM0213", "use-cycle", Error, "procedures import each other in a circle";
    GuardTypeMismatch = "WM0214", "guard-type-mismatch", Error, "a guard compares a fact with a value of the wrong type";
    MisplacedClock = "WM0215", "misplaced-clock", Error, "a deadline counts from something that cannot start a clock";
    WrongStepKind = "WM0216", "wrong-step-kind", Error, "a name refers to the wrong kind of item";
    TogetherNestedTooDeep = "WM0217", "together-nested-too-deep", Error, "together blocks are nested too deep for an SVG or BPMN drawing";
    RolesJoinedBothWays = "WM0220", "roles-joined-both-ways", Error, "a `by` line joins its roles with both `and` and `or`";
    RoleNamedTwice = "WM0221", "role-named-twice", Error, "a `by` or `approved by` line names the same role twice";
    JointRolesOnRepeatedWork = "WM0222", "joint-roles-on-repeated-work", Error, "`by A and B` is given for a checkpoint or recurring work";
    OutcomeOfNonDecision = "WM0224", "outcome-of-non-decision", Error, "a deadline counts from an outcome of a step that is not a decision";
    UnknownClockOutcome = "WM0225", "unknown-clock-outcome", Error, "a deadline counts from an outcome its decision does not declare";
    AnyOfOnePiece = "WM0226", "any-of-one-piece", Error, "`any of` lists a single piece, so there is nothing to choose between";
    PieceListedTwice = "WM0227", "piece-listed-twice", Error, "an `all of` or `any of` line names the same piece twice";
    ExtensionOfNothing = "WM0230", "extension-of-nothing", Error, "an `extendable` line's bound is zero";
    ExtensionUnitMismatch = "WM0231", "extension-unit-mismatch", Error, "an extension counts in hours on a limit in days, or in days on a limit in hours";
    FactRecordedAtNonStep = "WM0234", "fact-recorded-at-non-step", Error, "a fact is recorded at something that is not a step or a decision";
    RecordedFactAsClock = "WM0235", "recorded-fact-as-clock", Error, "a deadline counts from a fact that a step's record gives";
    EachOccurrenceOfFact = "WM0237", "each-occurrence-of-fact", Error, "a deadline counts back from each occurrence of a fact, which has one date";
    EachClockWithOtherClocks = "WM0238", "each-clock-with-other-clocks", Error, "work due before each occurrence of a step also has a deadline counted from something else";
    RouteTestsOwnDecision = "WM0239", "route-tests-own-decision", Error, "a condition on a decision's route tests what that decision decided";

    // Check: graph shape, deadlines, sources.
    UnreachableStep = "WM0301", "unreachable-step", Warning, "no path from the start reaches this step";
    DeadEnd = "WM0302", "dead-end", Error, "a step that is not an end has no way on";
    CycleWithoutExit = "WM0303", "cycle-without-exit", Error, "a loop of steps has no way out to an end";
    StepWithoutDeadline = "WM0304", "step-without-deadline", Warning, "a step has no deadline and no `untimed` reason";
    StepWithoutRole = "WM0305", "step-without-role", Warning, "a step says nobody is responsible for it";
    OutcomeNotHandled = "WM0306", "outcome-not-handled", Error, "a decision declares an outcome that leads nowhere";
    GuardNotExhaustive = "WM0307", "guard-not-exhaustive", Error, "guarded routes do not cover every value of a fact";
    ClockMayNotStart = "WM0308", "clock-may-not-start", Error, "a deadline counts from a step that may not have happened";
    TargetAfterLimit = "WM0309", "target-after-limit", Error, "a target is later than the limit it belongs to";
    DeadlineCannotBeMet = "WM0310", "deadline-cannot-be-met", Warning, "a step is due before a step that must come first";
    RoleNeverUsed = "WM0311", "role-never-used", Warning, "a role is declared but no step uses it";
    FactNeverRead = "WM0312", "fact-never-read", Warning, "a fact is declared but nothing reads it";
    CitationNotFound = "WM0313", "citation-not-found", Warning, "a cited key phrase no longer appears in the source text";
    SourceTextMissing = "WM0314", "source-text-missing", Warning, "no text was found for a cited source document";
    UntimedWithDeadline = "WM0315", "untimed-with-deadline", Warning, "a step is marked `untimed` but also has a deadline";
    OverrunWithoutLimit = "WM0316", "overrun-without-limit", Warning, "`overrun needs reason` is given for a step with no limit";
    SourceNeverCited = "WM0317", "source-never-cited", Warning, "a source document is declared but never cited";
    CitedTimeDiffers = "WM0318", "cited-time-differs", Warning, "a citation states a length of time that no time rule of its item counts";
    CountsBackFromEarlierStep = "WM0319", "counts-back-from-earlier-step", Error, "a deadline counts back from a step that always comes before it";
    ApprovedByOwnRole = "WM0322", "approved-by-own-role", Warning, "a step is approved by a role that may also do it";
    RecordedFactNotYetKnown = "WM0323", "recorded-fact-not-yet-known", Error, "a condition reads a fact recorded at a step that a case may not have passed";
    OutcomeClockNeverStarts = "WM0326", "outcome-clock-never-starts", Error, "a deadline counts from an outcome that never leads to its step";
    ClockFromOptionalPiece = "WM0327", "clock-from-optional-piece", Error, "a deadline after any-of work counts from one of its pieces, which may never be done";
    OptionalPieceRequiredElsewhere = "WM0328", "optional-piece-required-elsewhere", Error, "a piece of any-of work is also reached in another way, so whether it is needed is unclear";
    WaivableOptionalPiece = "WM0329", "waivable-optional-piece", Warning, "a piece of any-of work may be waived, which would count as the block done";
    OutcomeNotYetDecided = "WM0330", "outcome-not-yet-decided", Error, "a condition tests a decision's outcome where the decision may not have been made";
    ExtensionWithoutLimit = "WM0331", "extension-without-limit", Warning, "`extendable` is given for a step with no limit (`due` line) to extend";
    ExtensionCannotHelp = "WM0332", "extension-cannot-help", Warning, "`extendable` is given for a step whose every limit counts back from a later event";
    ExtensionApprovedByDoer = "WM0333", "extension-approved-by-doer", Warning, "an extension is approved by a role that may also do the step";
    ExtensionAsLongAsLimit = "WM0334", "extension-as-long-as-limit", Warning, "an extension's bound is as long as the limit it extends, or longer";
    EachOccurrenceOfOnceStep = "WM0337", "each-occurrence-of-once-step", Warning, "a deadline counts back from each occurrence of a step that happens once";
    EachWorkCannotRepeat = "WM0338", "each-work-cannot-repeat", Error, "work due before each occurrence of a step may not be recorded more than once";
    OutcomeRoutesNotExhaustive = "WM0339", "outcome-routes-not-exhaustive", Error, "the conditions on a decision outcome's routes do not cover every case";
    ClockFromOptionalStep = "WM0340", "clock-from-optional-step", Error, "a deadline counts from an optional step, which may never be done";
    WaivableOptionalStep = "WM0341", "waivable-optional-step", Warning, "an optional step is also `waivable with reason`, which adds nothing";
    OptionalWithoutWhy = "WM0342", "optional-without-why", Warning, "an `optional` line's text is empty, so nobody can tell when the step is needed";
    EveryPieceOptional = "WM0343", "every-piece-optional", Warning, "every piece of work done together is optional, so the block may be done with no work";

    // Calendars and dates.
    CalendarFileMalformed = "WM0401", "calendar-file-malformed", Error, "a calendar file is not in a format Waymark reads";
    CalendarBadDate = "WM0402", "calendar-bad-date", Error, "a calendar file holds a date that does not exist";
    UnknownDivision = "WM0403", "unknown-division", Error, "a calendar names a bank-holiday division Waymark does not know";
    DateOutOfRange = "WM0404", "date-out-of-range", Error, "a date is outside the years the calendar covers";
    ComputedHolidays = "WM0405", "computed-holidays", Warning, "bank holidays for a year were computed from the rules, not shipped data";
    DateArgumentInvalid = "WM0406", "date-argument-invalid", Error, "a date given on the command line is not a date Waymark can use";
    AmountInvalid = "WM0407", "amount-invalid", Error, "an amount of time given to `waymark days` cannot be read";
    RequestMalformed = "WM0408", "request-malformed", Error, "the words given to `waymark days` do not make a request";

    // Case data.
    CaseLineMalformed = "WM0501", "case-line-malformed", Error, "a line of a case file is not a case written as JSON";
    CaseUnknownName = "WM0502", "case-unknown-name", Error, "a case names a step, fact or role the procedure does not have";
    CaseValueInvalid = "WM0503", "case-value-invalid", Error, "a case's id, fact value, date or time cannot be used";
    CaseRecordNotAllowed = "WM0504", "case-record-not-allowed", Error, "a record the procedure cannot accept in any case";
    CsvHeaderInvalid = "WM0505", "csv-header-invalid", Error, "a CSV file's header does not give the columns Waymark reads";
    CsvRowInvalid = "WM0506", "csv-row-invalid", Error, "a CSV row cannot be read";
    CaseExtensionInvalid = "WM0509", "case-extension-invalid", Error, "a recorded extension's amount cannot be used, or the record also does something else";
    CaseExtensionNotAllowed = "WM0510", "case-extension-not-allowed", Error, "a case extends a step whose procedure gives it no `extendable` line";
    CaseGivesRecordedFact = "WM0511", "case-gives-recorded-fact", Error, "a case gives up front a fact that a step's record gives";
    RecordGivesFactNotRecordedThere = "WM0512", "record-gives-fact-not-recorded-there", Error, "a record gives a fact that is not recorded at its step";
    CaseFactsOnly = "WM0513", "case-facts-only", Warning, "a case of the facts file has no rows in the events file: it runs with no records";

    // Children in Need census files and the mappings that read them.
    CensusUnreadable = "WM0601", "census-unreadable", Error, "a census file is not well-formed XML, or it was cut short";
    CensusDateInvalid = "WM0602", "census-date-invalid", Error, "a census date that the mapping reads is missing or is not a real date";
    CensusFlagInvalid = "WM0603", "census-flag-invalid", Error, "a census yes/no field that the mapping reads is neither true nor false";
    CensusUnknownElement = "WM0604", "census-unknown-element", Warning, "a census file has an element the specification does not put there";
    CensusStrayText = "WM0605", "census-stray-text", Warning, "a census file has text between elements, outside any field";
    CensusDuplicateChild = "WM0606", "census-duplicate-child", Error, "a child, or an episode of a child, appears twice in a census file";
    CensusChildIncomplete = "WM0607", "census-child-incomplete", Error, "a census child has no LAchildID or no CINdetails episode";
    MappingUnreadable = "WM0610", "mapping-unreadable", Error, "a census mapping file is not TOML of the shape Waymark reads";
    MappingUnknownField = "WM0611", "mapping-unknown-field", Error, "a census mapping names a field that is not a census date or yes/no field";
    MappingUnknownStep = "WM0612", "mapping-unknown-step", Error, "a census mapping names a step the procedure does not have";
    MappingOutcomeInvalid = "WM0613", "mapping-outcome-invalid", Error, "a census mapping gives an outcome the step cannot have, or none where it needs one";
    MappingUnknownFact = "WM0614", "mapping-unknown-fact", Error, "a census mapping names a fact the procedure does not have, or one that is not a date";
    MappingOtherProcedure = "WM0615", "mapping-other-procedure", Error, "a census mapping is written for another procedure";
    // Test files: policy authors' expected outcomes (`waymark test`).
    TestUnknownKeyword = "WM0701", "test-unknown-keyword", Error, "a line of a test file starts with a word that is not a keyword";
    TestLineMalformed = "WM0702", "test-line-malformed", Error, "a line of a test file does not have the shape its keyword needs";
    TestDateInvalid = "WM0703", "test-date-invalid", Error, "a date or time in a test file is not a real one";
    TestFileNoProcedure = "WM0704", "test-file-no-procedure", Error, "a test file does not say which procedure it tests";
    TestDetailOutsideTest = "WM0705", "test-detail-outside-test", Error, "a detail line of a test file comes before any `test` line";
    TestUnknownName = "WM0706", "test-unknown-name", Error, "a test names a step, fact, role or outcome the procedure does not have";
    TestUnknownWord = "WM0707", "test-unknown-word", Error, "a test expects a status, state or deviation Waymark does not report";
    TestIncomplete = "WM0708", "test-incomplete", Error, "a test lacks its `as of` date or has nothing to expect";
    TestCaseRejected = "WM0709", "test-case-rejected", Error, "a test's facts and records are not a case `waymark run` accepts";
    TestDuplicateName = "WM0710", "test-duplicate-name", Error, "two tests in one file share a name";
    TestProcedureUnusable = "WM0711", "test-procedure-unusable", Error, "the procedure a test file names cannot be read or has errors";
    TestApprovalNotNeeded = "WM0712", "test-approval-not-needed", Error, "a test expects the approval of a step that needs no sign-off";
    TestAwaitingNotJoint = "WM0713", "test-awaiting-not-joint", Error, "a test expects a step to await roles, but any one of its roles does it";
    TestFileIsAProcedure = "WM0714", "test-file-is-a-procedure", Error, "a procedure file is given to `waymark test`, which reads test files";
    TestExtensionNotAllowed = "WM0715", "test-extension-not-allowed", Error, "a test expects an extended due date for a step that cannot be extended";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Code {
    type Err = ();

    /// Accepts `WM0101`, `wm0101` or the name `unknown-keyword`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        ALL.iter()
            .copied()
            .find(|code| code.as_str().eq_ignore_ascii_case(text) || code.name() == text)
            .ok_or(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_and_names_are_unique_and_ordered() {
        let codes: BTreeSet<_> = ALL.iter().map(|code| code.as_str()).collect();
        let names: BTreeSet<_> = ALL.iter().map(|code| code.name()).collect();
        assert_eq!(codes.len(), ALL.len());
        assert_eq!(names.len(), ALL.len());
        let listed: Vec<_> = ALL.iter().map(|code| code.as_str()).collect();
        let mut sorted = listed.clone();
        sorted.sort();
        assert_eq!(listed, sorted, "keep the table in numeric order");
    }

    #[test]
    fn every_explanation_starts_with_its_code() {
        for code in ALL {
            let first = code.explanation().lines().next().unwrap_or_default();
            assert!(
                first.starts_with(&format!("# {}", code.as_str())),
                "explanations/{}.md must start with `# {} {}`",
                code.as_str(),
                code.as_str(),
                code.name()
            );
        }
    }

    #[test]
    fn parses_code_or_name() {
        assert_eq!("wm0101".parse(), Ok(Code::UnknownKeyword));
        assert_eq!("dead-end".parse(), Ok(Code::DeadEnd));
        assert_eq!("WM9999".parse::<Code>(), Err(()));
    }
}
