//! The shape of the census file, from the DfE's Children in Need census specification: which
//! elements may appear inside which, and which hold dates or yes/no flags. Anything else found
//! in a file is reported as unknown and skipped.

/// What an element holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Other elements.
    Group,
    /// A date written `YYYY-MM-DD`.
    Date,
    /// `true`/`false` (or `1`/`0`).
    Flag,
    /// Any other text: codes, ids, counts.
    Text,
}

/// The groups of the census in which a mapped field can sit: a field's values are taken per
/// group, and the groups that repeat within an episode each have their own clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Block {
    Child,
    Episode,
    Assessment,
    CinPlan,
    Section47,
    Plan,
}

impl Block {
    /// The element that holds the block.
    pub fn element(self) -> &'static str {
        match self {
            Block::Child => "ChildIdentifiers",
            Block::Episode => "CINdetails",
            Block::Assessment => "Assessments",
            Block::CinPlan => "CINPlanDates",
            Block::Section47 => "Section47",
            Block::Plan => "ChildProtectionPlans",
        }
    }

    /// The word used in the ids of the cases made for a second or later block.
    pub fn case_word(self) -> &'static str {
        match self {
            Block::Child | Block::Episode => "episode",
            Block::Assessment => "assessment",
            Block::CinPlan => "cin-plan",
            Block::Section47 => "s47",
            Block::Plan => "cpp",
        }
    }

    /// The blocks that may repeat inside one episode, in the order cases are made for them.
    pub const REPEATED: [Block; 4] = [
        Block::Assessment,
        Block::Section47,
        Block::Plan,
        Block::CinPlan,
    ];
}

/// The elements each group may hold, with their kinds.
pub fn children(parent: &str) -> &'static [(&'static str, Kind)] {
    use Kind::{Date, Flag, Group, Text};
    match parent {
        "Message" => &[("Header", Group), ("Children", Group)],
        "Header" => &[("CollectionDetails", Group), ("Source", Group)],
        "CollectionDetails" => &[
            ("Collection", Text),
            ("Year", Text),
            ("ReferenceDate", Date),
        ],
        "Source" => &[
            ("SourceLevel", Text),
            ("LEA", Text),
            ("SoftwareCode", Text),
            ("Release", Text),
            ("SerialNo", Text),
            ("DateTime", Text),
        ],
        "Children" => &[("Child", Group)],
        "Child" => &[
            ("ChildIdentifiers", Group),
            ("ChildCharacteristics", Group),
            ("CINdetails", Group),
        ],
        "ChildIdentifiers" => &[
            ("LAchildID", Text),
            ("UPN", Text),
            ("FormerUPN", Text),
            ("UPNunknown", Text),
            ("PersonBirthDate", Date),
            ("ExpectedPersonBirthDate", Date),
            ("GenderCurrent", Text),
            ("PersonDeathDate", Date),
        ],
        "ChildCharacteristics" => &[("Ethnicity", Text), ("Disabilities", Group)],
        "Disabilities" => &[("Disability", Text)],
        "CINdetails" => &[
            ("CINdetailsID", Text),
            ("CINreferralDate", Date),
            ("ReferralSource", Text),
            ("PrimaryNeedCode", Text),
            ("CINclosureDate", Date),
            ("ReasonForClosure", Text),
            ("DateOfInitialCPC", Date),
            ("ReferralNFA", Flag),
            ("Assessments", Group),
            ("CINPlanDates", Group),
            ("Section47", Group),
            ("ChildProtectionPlans", Group),
        ],
        "Assessments" => &[
            ("AssessmentActualStartDate", Date),
            ("AssessmentInternalReviewDate", Date),
            ("AssessmentAuthorisationDate", Date),
            ("FactorsIdentifiedAtAssessment", Group),
        ],
        "FactorsIdentifiedAtAssessment" => &[("AssessmentFactors", Text)],
        "CINPlanDates" => &[("CINPlanStartDate", Date), ("CINPlanEndDate", Date)],
        "Section47" => &[
            ("S47ActualStartDate", Date),
            ("InitialCPCtarget", Date),
            ("DateOfInitialCPC", Date),
            ("ICPCnotRequired", Flag),
        ],
        "ChildProtectionPlans" => &[
            ("CPPID", Text),
            ("CPPstartDate", Date),
            ("CPPendDate", Date),
            ("InitialCategoryOfAbuse", Text),
            ("LatestCategoryOfAbuse", Text),
            ("NumberOfPreviousCPP", Text),
            ("Reviews", Group),
        ],
        "Reviews" => &[("CPPreviewDate", Date)],
        _ => &[],
    }
}

/// A field a mapping can name: a date or flag with the block it is read in. `DateOfInitialCPC`
/// sits both in an episode and in a Section 47 block; a mapping means the Section 47 one.
pub fn field(name: &str) -> Option<(Block, Kind)> {
    let blocks = [
        ("ChildIdentifiers", Block::Child),
        ("Section47", Block::Section47),
        ("CINdetails", Block::Episode),
        ("Assessments", Block::Assessment),
        ("CINPlanDates", Block::CinPlan),
        ("ChildProtectionPlans", Block::Plan),
        ("Reviews", Block::Plan),
    ];
    blocks.iter().find_map(|(parent, block)| {
        children(parent)
            .iter()
            .find(|(child, kind)| *child == name && *kind != Kind::Group && *kind != Kind::Text)
            .map(|(_, kind)| (*block, *kind))
    })
}

/// Every field a mapping can name, for messages.
pub fn field_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = [
        "ChildIdentifiers",
        "CINdetails",
        "Assessments",
        "CINPlanDates",
        "Section47",
        "ChildProtectionPlans",
        "Reviews",
    ]
    .iter()
    .flat_map(|parent| children(parent).iter())
    .filter(|(_, kind)| matches!(kind, Kind::Date | Kind::Flag))
    .map(|(name, _)| *name)
    .collect();
    names.sort_unstable();
    names.dedup();
    names
}
