//! The Children in Need census as input: `waymark run PROCEDURE census.xml` and `waymark import
//! cin-census`, on census files the tests write. One test per rule of the shipped mapping, the
//! odd inputs (each with its WM06xx code, line and column), the mapping's own checks, and the
//! same generated caseload run two ways, as JSON Lines and as a census file.

use crate::cli::waymark;
use serde_json::Value;
use std::path::PathBuf;

const HEADER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>2026</Year>
      <ReferenceDate>2026-03-31</ReferenceDate>
    </CollectionDetails>
  </Header>
  <Children>
";
const FOOTER: &str = "  </Children>\n</Message>\n";

fn folder() -> PathBuf {
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("census");
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

/// Writes a file under the test folder and gives its path.
fn file(name: &str, text: &str) -> String {
    let path = folder().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// A census file holding these `<Child>` elements.
fn census(name: &str, children: &str) -> String {
    file(name, &format!("{HEADER}{children}{FOOTER}"))
}

/// One child with one episode holding `inside`.
fn child(id: &str, identifiers: &str, episode: &str) -> String {
    format!(
        "    <Child>\n      <ChildIdentifiers>\n        <LAchildID>{id}</LAchildID>\n{identifiers}      </ChildIdentifiers>\n      <CINdetails>\n{episode}      </CINdetails>\n    </Child>\n"
    )
}

/// Runs a procedure over a census file as JSON; gives the exit code, reports by case, stderr.
fn run(procedure: &str, census: &str, extra: &[&str]) -> (i32, Vec<Value>, String) {
    let mut args = vec!["run", procedure, census, "--format", "json"];
    args.extend(extra);
    let (code, out, err) = waymark(&args);
    let reports = out
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    (code, reports, err)
}

fn case<'r>(reports: &'r [Value], id: &str) -> &'r Value {
    reports
        .iter()
        .find(|report| report["case"] == id)
        .unwrap_or_else(|| panic!("no case {id} in {reports:#?}"))
}

/// A step's row: (status, due, done).
fn row(report: &Value, step: &str) -> (String, String, String) {
    let row = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["step"] == step)
        .unwrap_or_else(|| panic!("no step {step} in {report:#}"));
    let text = |key: &str| row[key].as_str().unwrap_or("").to_string();
    (text("status"), text("due"), text("done"))
}

fn assessment() -> &'static str {
    "procedures/assessment.wm"
}

#[test]
fn the_referral_date_is_the_referral_and_names_the_case() {
    let path = census(
        "referral.xml",
        &child(
            "C1",
            "",
            "        <CINreferralDate>2026-01-05</CINreferralDate>\n",
        ),
    );
    let (code, reports, err) = run(assessment(), &path, &[]);
    assert_eq!(code, 0, "{err}");
    let report = case(&reports, "C1/2026-01-05");
    assert_eq!(
        row(report, "referral"),
        ("met".into(), "".into(), "2026-01-05".into())
    );
    // The initial visit is counted from it: 5 working days.
    assert_eq!(row(report, "initial_visit").1, "2026-01-12");
    // --as-of defaults to the reference date, and the output says so.
    assert_eq!(report["as_of"], "2026-03-31");
    assert!(
        err.contains("note: as of 2026-03-31, the census reference date"),
        "{err}"
    );
}

#[test]
fn the_authorisation_date_completes_the_assessment() {
    let episode = "        <CINreferralDate>2026-01-05</CINreferralDate>
        <Assessments>
          <AssessmentActualStartDate>2026-01-05</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2026-03-10</AssessmentAuthorisationDate>
        </Assessments>\n";
    let path = census("authorised.xml", &child("C1", "", episode));
    let (code, reports, _) = run(assessment(), &path, &[]);
    assert_eq!(code, 0);
    // 45 working days after 5 January 2026 is 9 March: authorised a day late.
    assert_eq!(
        row(case(&reports, "C1/2026-01-05"), "assessment_complete"),
        ("late".into(), "2026-03-09".into(), "2026-03-10".into())
    );
}

#[test]
fn a_section_47_block_is_a_strategy_discussion_deciding_on_section_47() {
    let episode = "        <CINreferralDate>2026-01-05</CINreferralDate>
        <Section47>
          <S47ActualStartDate>2026-02-02</S47ActualStartDate>
        </Section47>\n";
    let path = census("s47.xml", &child("C1", "", episode));
    let (_, reports, _) = run(assessment(), &path, &[]);
    let report = case(&reports, "C1/2026-01-05");
    let strategy = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["step"] == "strategy_discussion")
        .unwrap();
    assert_eq!(strategy["outcome"], "section47");
    assert_eq!(strategy["done"], "2026-02-02");
    // The enquiry is due 15 working days after it.
    assert_eq!(row(report, "section47_enquiry").1, "2026-02-23");
}

#[test]
fn the_initial_conference_date_is_the_icpc_due_15_working_days_after_the_section_47_start() {
    let episode = "        <CINreferralDate>2026-01-05</CINreferralDate>
        <Section47>
          <S47ActualStartDate>2026-02-02</S47ActualStartDate>
          <DateOfInitialCPC>2026-02-20</DateOfInitialCPC>
          <ICPCnotRequired>false</ICPCnotRequired>
        </Section47>\n";
    let path = census("icpc.xml", &child("C1", "", episode));
    let (_, reports, _) = run(assessment(), &path, &[]);
    assert_eq!(
        row(case(&reports, "C1/2026-01-05"), "icpc"),
        ("met".into(), "2026-02-23".into(), "2026-02-20".into())
    );
}

#[test]
fn icpc_not_required_false_expects_a_conference_and_true_does_not() {
    let block = |flag: &str| {
        format!(
            "        <CINreferralDate>2026-01-05</CINreferralDate>
        <Section47>
          <S47ActualStartDate>2026-02-02</S47ActualStartDate>
          <ICPCnotRequired>{flag}</ICPCnotRequired>
        </Section47>\n"
        )
    };
    let children = child("EXPECTED", "", &block("false")) + &child("NOTNEEDED", "", &block("true"));
    let path = census("icpc-flag.xml", &children);
    let (code, reports, _) = run(assessment(), &path, &[]);
    assert_eq!(code, 0);
    // No conference by the reference date: overdue, due 15 working days after the enquiry began.
    assert_eq!(
        row(case(&reports, "EXPECTED/2026-01-05"), "icpc"),
        ("overdue".into(), "2026-02-23".into(), "".into())
    );
    assert_eq!(
        row(case(&reports, "NOTNEEDED/2026-01-05"), "icpc").0,
        "not_applicable"
    );
}

#[test]
fn an_unborn_child_brings_the_pre_birth_deadline_in() {
    let identifiers = "        <ExpectedPersonBirthDate>2026-03-20</ExpectedPersonBirthDate>\n";
    let episode = "        <CINreferralDate>2026-01-05</CINreferralDate>\n";
    let path = census("pre-birth.xml", &child("UNBORN", identifiers, episode));
    let (code, reports, _) = run(assessment(), &path, &[]);
    assert_eq!(code, 0);
    // 4 weeks before 20 March (20 February) comes before 45 working days (9 March).
    assert_eq!(
        row(case(&reports, "UNBORN/2026-01-05"), "assessment_complete"),
        ("overdue".into(), "2026-02-20".into(), "".into())
    );
    let (_, out, _) = waymark(&["import", "cin-census", &path]);
    assert!(
        out.contains("\"expected_delivery\":\"2026-03-20\""),
        "{out}"
    );
}

#[test]
fn plan_reviews_go_to_the_first_review_then_each_later_review() {
    let episode = "        <CINreferralDate>2025-05-01</CINreferralDate>
        <ChildProtectionPlans>
          <CPPstartDate>2025-06-02</CPPstartDate>
          <Reviews>
            <CPPreviewDate>2025-09-05</CPPreviewDate>
            <CPPreviewDate>2026-03-01</CPPreviewDate>
          </Reviews>
        </ChildProtectionPlans>\n";
    let path = census("reviews.xml", &child("P1", "", episode));
    let (code, reports, err) = run(
        "examples/cp_reviews.wm",
        &path,
        &["--map", "examples/cp_reviews.toml"],
    );
    assert_eq!(code, 0, "{err}");
    let report = case(&reports, "P1/2025-05-01");
    // The first review was due 3 months after the plan began: three days late.
    assert_eq!(
        row(report, "first_review"),
        ("late".into(), "2025-09-02".into(), "2025-09-05".into())
    );
    // The next was due 6 months after the first.
    assert_eq!(
        row(report, "review"),
        ("met".into(), "2026-03-05".into(), "2026-03-01".into())
    );
}

#[test]
fn plan_start_and_end_go_to_the_child_protection_plan_procedure() {
    let episode = "        <CINreferralDate>2025-01-06</CINreferralDate>
        <ChildProtectionPlans>
          <CPPstartDate>2025-02-03</CPPstartDate>
        </ChildProtectionPlans>\n";
    let path = census("cpp.xml", &child("P2", "", episode));
    let (code, reports, _) = run("procedures/child_protection_plan.wm", &path, &[]);
    assert_eq!(code, 0);
    let report = case(&reports, "P2/2025-01-06");
    assert_eq!(row(report, "cp_plan_started").2, "2025-02-03");
    // The updated assessment after 9 months of the plan is overdue by the reference date.
    assert_eq!(row(report, "cp_updated_assessment_9").0, "overdue");
}

#[test]
fn plan_reviews_are_review_conferences_and_the_updates_before_them_have_no_record() {
    let reviewed = "        <CINreferralDate>2025-01-06</CINreferralDate>
        <ChildProtectionPlans>
          <CPPstartDate>2025-02-03</CPPstartDate>
          <CPPendDate>2025-12-01</CPPendDate>
          <Reviews>
            <CPPreviewDate>2025-05-01</CPPreviewDate>
            <CPPreviewDate>2025-10-30</CPPreviewDate>
          </Reviews>
        </ChildProtectionPlans>\n";
    let unreviewed = "        <CINreferralDate>2025-01-06</CINreferralDate>
        <ChildProtectionPlans>
          <CPPstartDate>2025-02-03</CPPstartDate>
          <CPPendDate>2025-04-01</CPPendDate>
        </ChildProtectionPlans>\n";
    let children = child("P3", "", reviewed) + &child("P4", "", unreviewed);
    let path = census("cpp-reviews.xml", &children);
    let (code, reports, err) = run("procedures/child_protection_plan.wm", &path, &[]);
    assert_eq!(code, 0, "{err}");
    let report = case(&reports, "P3/2025-01-06");
    // Every review is an occurrence of the one step.
    let conference = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["step"] == "cp_review_conference")
        .unwrap();
    assert_eq!(conference["status"], "met");
    assert_eq!(conference["done"], "2025-05-01");
    assert_eq!(conference["occurrences"], 2);
    // The census records no updates: one overdue row per review, each the working day before.
    let updates: Vec<(&str, &str)> = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["step"] == "cp_review_assessment")
        .map(|row| {
            (
                row["status"].as_str().unwrap(),
                row["due"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        updates,
        [("overdue", "2025-04-30"), ("overdue", "2025-10-29")]
    );
    let gaps = report["deviations"].as_array().unwrap();
    assert_eq!(gaps.len(), 2, "{gaps:#?}");
    assert!(
        gaps.iter()
            .all(|gap| gap["kind"] == "not_recorded" && gap["step"] == "cp_review_assessment")
    );
    // A plan that ended with no review recorded: the review conference is optional, so neither
    // it nor the update before it is a gap (docs/cin-census.md, procedures/README.md).
    let report = case(&reports, "P4/2025-01-06");
    assert_eq!(row(report, "cp_review_conference").0, "not_needed");
    assert_eq!(
        row(report, "cp_review_assessment"),
        ("not_needed".into(), "".into(), "".into())
    );
    assert_eq!(row(report, "cp_plan_ended").0, "met");
}

#[test]
fn the_threshold_is_level_3_and_level_4_with_a_section_47() {
    let plain = child(
        "A",
        "",
        "        <CINreferralDate>2026-01-05</CINreferralDate>\n",
    );
    let s47 = child(
        "B",
        "",
        "        <CINreferralDate>2026-01-05</CINreferralDate>
        <Section47><S47ActualStartDate>2026-01-20</S47ActualStartDate></Section47>\n",
    );
    let path = census("threshold.xml", &(plain + &s47));
    let (code, out, _) = waymark(&["import", "cin-census", &path]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].contains("\"threshold\":\"level3\""), "{out}");
    assert!(lines[1].contains("\"threshold\":\"level4\""), "{out}");
}

#[test]
fn a_second_assessment_of_an_episode_is_a_case_with_its_own_clock() {
    let episode = "        <CINreferralDate>2026-01-05</CINreferralDate>
        <Assessments>
          <AssessmentActualStartDate>2026-01-05</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2026-01-30</AssessmentAuthorisationDate>
        </Assessments>
        <Assessments>
          <AssessmentActualStartDate>2026-02-02</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2026-03-20</AssessmentAuthorisationDate>
        </Assessments>
        <Section47><S47ActualStartDate>2026-01-12</S47ActualStartDate><ICPCnotRequired>false</ICPCnotRequired></Section47>
        <Section47><S47ActualStartDate>2026-02-16</S47ActualStartDate><ICPCnotRequired>false</ICPCnotRequired></Section47>\n";
    let path = census("repeats.xml", &child("R", "", episode));
    let (code, reports, _) = run(assessment(), &path, &[]);
    assert_eq!(code, 0);
    let ids: Vec<&str> = reports
        .iter()
        .map(|r| r["case"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "R/2026-01-05",
            "R/2026-01-05/assessment-2",
            "R/2026-01-05/s47-2"
        ]
    );
    assert_eq!(
        row(case(&reports, "R/2026-01-05"), "assessment_complete"),
        ("met".into(), "2026-03-09".into(), "2026-01-30".into())
    );
    // The second assessment is counted from its own start: 45 working days after 2 February,
    // Good Friday and Easter Monday skipped.
    assert_eq!(
        row(
            case(&reports, "R/2026-01-05/assessment-2"),
            "assessment_complete"
        ),
        ("met".into(), "2026-04-08".into(), "2026-03-20".into())
    );
    // Each enquiry has its own ICPC clock.
    assert_eq!(row(case(&reports, "R/2026-01-05"), "icpc").1, "2026-02-02");
    assert_eq!(
        row(case(&reports, "R/2026-01-05/s47-2"), "icpc").1,
        "2026-03-09"
    );
}

#[test]
fn a_census_is_known_by_its_content_whatever_its_name() {
    let text = format!(
        "{HEADER}{}{FOOTER}",
        child(
            "C1",
            "",
            "        <CINreferralDate>2026-01-05</CINreferralDate>\n"
        )
    );
    let path = file("census-export.txt", &text);
    let (code, reports, _) = run(assessment(), &path, &["--as-of", "2026-02-01"]);
    assert_eq!(code, 0);
    assert_eq!(case(&reports, "C1/2026-01-05")["as_of"], "2026-02-01");
}

#[test]
fn a_missing_or_impossible_date_is_reported_and_every_other_child_runs() {
    let children = child("GOOD", "", "        <CINreferralDate>2026-01-05</CINreferralDate>\n")
        + &child("NODATE", "", "        <ReferralSource>1A</ReferralSource>\n")
        + &child(
            "BADDATE",
            "",
            "        <CINreferralDate>2026-01-05</CINreferralDate>
        <Assessments><AssessmentAuthorisationDate>2026-02-30</AssessmentAuthorisationDate></Assessments>\n",
        );
    let path = census("dates.xml", &children);
    let (code, reports, err) = run(assessment(), &path, &[]);
    assert_eq!(code, 1);
    assert_eq!(case(&reports, "GOOD/2026-01-05")["state"], "open");
    assert!(
        err.contains(
            "error[WM0602]: case NODATE/?, line 23: the episode has no `<CINreferralDate>`"
        ),
        "{err}"
    );
    assert!(
        err.contains("error[WM0602]: case BADDATE/2026-01-05, line 33: `AssessmentAuthorisationDate` `2026-02-30` is not a real date: February 2026 has 28 days (column 51)"),
        "{err}"
    );
}

#[test]
fn a_yes_no_field_that_is_neither_is_reported() {
    let episode = "        <CINreferralDate>2026-01-05</CINreferralDate>
        <Section47>
          <S47ActualStartDate>2026-02-02</S47ActualStartDate>
          <ICPCnotRequired>maybe</ICPCnotRequired>
        </Section47>\n";
    let path = census("flag.xml", &child("F", "", episode));
    let (code, _, err) = run(assessment(), &path, &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("error[WM0603]: case F/2026-01-05, line 19: `ICPCnotRequired` is `maybe`, neither true nor false (column 28)"),
        "{err}"
    );
}

#[test]
fn an_unknown_element_and_stray_text_are_warnings_and_the_child_still_runs() {
    let episode = "        <CINreferralDate>2026-01-05</CINreferralDate>
        <LocalTeam><Name>North</Name></LocalTeam>
        stray words
        <Assessments><AssessmentAuthorisationDate>2026-02-02</AssessmentAuthorisationDate></Assessments>\n";
    let path = census("odd.xml", &child("ODD", "", episode));
    let (code, reports, err) = run(assessment(), &path, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("line 17, column 9: `<LocalTeam>` is not an element the census specification puts in `<CINdetails>`; it is skipped"),
        "{err}"
    );
    assert!(err.contains("warning[WM0604]"), "{err}");
    assert!(err.contains("warning[WM0605]"), "{err}");
    assert!(
        err.contains("line 17, column 50: text between the elements of `<CINdetails>`"),
        "{err}"
    );
    assert_eq!(
        row(case(&reports, "ODD/2026-01-05"), "assessment_complete").0,
        "met"
    );
}

#[test]
fn a_truncated_file_runs_every_child_before_the_cut() {
    let whole = format!(
        "{HEADER}{}{}",
        child(
            "FIRST",
            "",
            "        <CINreferralDate>2026-01-05</CINreferralDate>\n"
        ),
        child(
            "CUT",
            "",
            "        <CINreferralDate>2026-01-05</CINreferralDate>\n"
        )
    );
    let cut = &whole[..whole.rfind("</CINdetails>").unwrap()];
    let path = file("truncated.xml", cut);
    let (code, reports, err) = run(assessment(), &path, &[]);
    assert_eq!(code, 1);
    assert_eq!(case(&reports, "FIRST/2026-01-05")["state"], "open");
    assert!(
        err.contains("error[WM0601]: case CUT, line 25: the file ends inside `<CINdetails>`: it has been cut short"),
        "{err}"
    );
}

#[test]
fn a_child_with_no_episode_and_duplicate_children_are_reported() {
    let children = child(
        "TWICE",
        "",
        "        <CINreferralDate>2026-01-05</CINreferralDate>\n",
    ) + "    <Child>\n      <ChildIdentifiers><LAchildID>LONELY</LAchildID></ChildIdentifiers>\n    </Child>\n"
        + &child(
            "TWICE",
            "",
            "        <CINreferralDate>2026-02-05</CINreferralDate>\n",
        )
        + &child(
            "EPISODES",
            "",
            "        <CINreferralDate>2026-01-05</CINreferralDate>\n      </CINdetails>\n      <CINdetails>\n        <CINreferralDate>2026-01-05</CINreferralDate>\n",
        );
    let path = census("duplicates.xml", &children);
    let (code, reports, err) = run(assessment(), &path, &[]);
    assert_eq!(code, 1);
    assert_eq!(case(&reports, "TWICE/2026-01-05")["state"], "open");
    assert_eq!(case(&reports, "EPISODES/2026-01-05")["state"], "open");
    assert!(
        err.contains(
            "error[WM0607]: case LONELY, line 19: the child has no `<CINdetails>` episode"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "error[WM0606]: case TWICE, line 24: the child `TWICE` appears twice in the file"
        ),
        "{err}"
    );
    assert!(err.contains("error[WM0606]: case EPISODES/2026-01-05, line 38: the child has two episodes referred on 2026-01-05"), "{err}");
}

#[test]
fn a_file_that_is_not_xml_after_its_start_stops_with_a_coded_error() {
    let text = format!(
        "{HEADER}{}    <Child><ChildIdentifiers><LAchildID>X</LAchildID></ChildIdentifiers><CINdetails></Child>\n{FOOTER}",
        child(
            "OK",
            "",
            "        <CINreferralDate>2026-01-05</CINreferralDate>\n"
        )
    );
    let path = file("broken.xml", &text);
    let (code, reports, err) = run(assessment(), &path, &[]);
    assert_eq!(code, 1);
    assert_eq!(case(&reports, "OK/2026-01-05")["state"], "open");
    assert!(err.contains("error[WM0601]: case X"), "{err}");
}

#[test]
fn import_writes_the_cases_that_run_gives_the_same_reports() {
    let episode = "        <CINreferralDate>2026-01-05</CINreferralDate>
        <Assessments><AssessmentAuthorisationDate>2026-02-02</AssessmentAuthorisationDate></Assessments>
        <Section47>
          <S47ActualStartDate>2026-02-05</S47ActualStartDate>
          <DateOfInitialCPC>2026-03-02</DateOfInitialCPC>
          <ICPCnotRequired>false</ICPCnotRequired>
        </Section47>\n";
    let path = census("import.xml", &child("C1", "", episode));
    let output = folder().join("imported.jsonl");
    let output = output.to_string_lossy();
    let (code, _, err) = waymark(&[
        "import",
        "cin-census",
        &path,
        "--procedure",
        assessment(),
        "-o",
        &output,
    ]);
    assert_eq!(code, 0, "{err}");
    let lines = std::fs::read_to_string(&*output).unwrap();
    assert_eq!(
        lines,
        "{\"case\":\"C1/2026-01-05\",\"facts\":{\"threshold\":\"level4\"},\"events\":[{\"step\":\"referral\",\"on\":\"2026-01-05\"},{\"step\":\"assessment_complete\",\"on\":\"2026-02-02\"},{\"step\":\"strategy_discussion\",\"on\":\"2026-02-05\",\"outcome\":\"section47\"},{\"step\":\"icpc\",\"on\":\"2026-03-02\"},{\"step\":\"section47_outcome\",\"on\":\"2026-03-02\",\"outcome\":\"risk_ongoing\"}]}\n"
    );
    let (_, from_census, _) = run(assessment(), &path, &[]);
    let (_, from_lines, _) = run(assessment(), &output, &["--as-of", "2026-03-31"]);
    // The same reports but for the lines they name: the census's lines, or the JSON Lines'.
    let without_lines = |reports: Vec<Value>| -> Vec<(Value, Value)> {
        reports
            .into_iter()
            .map(|r| (r["case"].clone(), r["steps"].clone()))
            .collect()
    };
    assert_eq!(without_lines(from_census), without_lines(from_lines));
}

#[test]
fn import_refuses_a_file_that_is_not_a_census() {
    let path = file("not-census.xml", "<?xml version=\"1.0\"?>\n<Root/>\n");
    let (code, _, err) = waymark(&["import", "cin-census", &path]);
    assert_eq!(code, 2);
    assert!(err.contains("is not a Children in Need census"), "{err}");
    let path = file("empty-message.xml", "<Message><CINdetails>\n");
    let (code, _, err) = waymark(&["import", "cin-census", &path]);
    assert_eq!(code, 1);
    assert!(
        err.contains("the `<Message>` has no `<Children>` (WM0601)"),
        "{err}"
    );
}

/// Runs the shipped assessment procedure over a small census with this mapping.
fn with_mapping(name: &str, toml: &str) -> (i32, String) {
    let map = file(name, toml);
    let path = census(
        "for-mappings.xml",
        &child(
            "C1",
            "",
            "        <CINreferralDate>2026-01-05</CINreferralDate>\n",
        ),
    );
    let (code, _, err) = waymark(&["run", assessment(), &path, "--map", &map]);
    (code, err)
}

#[test]
fn a_mapping_is_checked_against_the_procedure() {
    let cases: [(&str, &str, &str); 7] = [
        (
            "WM0610",
            "[[record]]\nfield = \"CINreferralDate\"\nstepp = \"referral\"\n",
            "unknown field `stepp`",
        ),
        (
            "WM0611",
            "[[record]]\nfield = \"CINReferralDate\"\nstep = \"referral\"\n",
            "did you mean `CINreferralDate`?",
        ),
        (
            "WM0612",
            "[[record]]\nfield = \"AssessmentAuthorisationDate\"\nstep = \"assessment_completed\"\n",
            "did you mean `assessment_complete`?",
        ),
        (
            "WM0613",
            "[[record]]\nfield = \"S47ActualStartDate\"\nstep = \"strategy_discussion\"\noutcome = \"s47\"\n",
            "its outcomes are section47, section17",
        ),
        (
            "WM0613",
            "[[record]]\nfield = \"S47ActualStartDate\"\nstep = \"strategy_discussion\"\n",
            "is a decision, so its record needs an outcome",
        ),
        (
            "WM0614",
            "[[fact]]\nfield = \"ExpectedPersonBirthDate\"\nfact = \"due_date\"\n",
            "has no fact `due_date`",
        ),
        (
            "WM0615",
            "procedure = \"child_protection_plan\"\n",
            "written for the procedure `child_protection_plan`, not `assessment`",
        ),
    ];
    for (index, (code, toml, words)) in cases.into_iter().enumerate() {
        let (exit, err) = with_mapping(&format!("map-{index}.toml"), toml);
        assert_eq!(exit, 1, "{toml}\n{err}");
        assert!(
            err.contains(code) && err.contains(words),
            "{code} {words}:\n{err}"
        );
    }
}

#[test]
fn the_shipped_mappings_fit_the_shipped_procedures() {
    for procedure in ["assessment", "section47", "child_protection_plan"] {
        let path = census(
            "shipped.xml",
            &child(
                "C1",
                "",
                "        <CINreferralDate>2026-01-05</CINreferralDate>\n",
            ),
        );
        let (code, _, err) = waymark(&["run", &format!("procedures/{procedure}.wm"), &path]);
        assert_eq!(code, 0, "{procedure}: {err}");
    }
    let path = census("unmapped.xml", "");
    let (code, _, err) = waymark(&["run", "procedures/recording.wm", &path]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no census mapping is shipped for the procedure `recording`"),
        "{err}"
    );
}

/// The shipped assessment procedure and its mapping, from the library (for the generator).
fn assessment_plan_and_cases(count: u64) -> (String, String) {
    let text = std::fs::read_to_string("procedures/assessment.wm").unwrap();
    let mut sources = waymark_diagnostics::Sources::new();
    let file = sources.add("procedures/assessment.wm", text.clone());
    struct Files<'s>(&'s mut waymark_diagnostics::Sources);
    impl waymark_compile::Loader for Files<'_> {
        fn load(
            &mut self,
            _: waymark_diagnostics::FileId,
            path: &str,
        ) -> Result<(waymark_diagnostics::FileId, String), String> {
            let full = format!("procedures/{path}");
            let text = std::fs::read_to_string(&full).map_err(|e| e.to_string())?;
            Ok((self.0.add(full, text.clone()), text))
        }
    }
    let checked = waymark_check::check_text(
        file,
        &text,
        &mut Files(&mut sources),
        &waymark_check::CheckOptions::default(),
    );
    let procedure = checked.procedure.unwrap();
    let plan = waymark_run::Plan::new(&procedure, waymark_calendar::default_calendar());
    let lines = waymark_run::generate::cases_with(
        &plan,
        20,
        0,
        count,
        waymark_run::generate::Records::Fitting,
    );
    let (_, mapping_text) = waymark_census::mapping::shipped("assessment").unwrap();
    let map_file = sources.add("assessment.toml", mapping_text);
    let mapping = waymark_census::Mapping::parse(map_file, mapping_text).unwrap();
    let reference = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
    let census = waymark_census::write::census_of_json_lines(&plan, &mapping, &lines, reference);
    (lines, census)
}

#[test]
fn a_caseload_gives_the_same_due_dates_and_statuses_as_json_lines_and_as_a_census() {
    let (lines, census_text) = assessment_plan_and_cases(2_000);
    let lines_path = file("two-ways.jsonl", &lines);
    let census_path = file("two-ways.xml", &census_text);
    let (code, by_lines, err) = run(assessment(), &lines_path, &["--as-of", "2026-03-31"]);
    assert_eq!(code, 0, "{err}");
    let (code, by_census, err) = run(assessment(), &census_path, &[]);
    assert_eq!(code, 0, "{err}");
    // Every case with a referral is in the census (one without has no census episode).
    let referred = by_lines
        .iter()
        .filter(|line| !row(line, "referral").2.is_empty())
        .count();
    assert_eq!(by_census.len(), referred);
    assert!(referred > 1_500, "{referred}");
    let by_id: std::collections::HashMap<&str, &Value> = by_census
        .iter()
        .map(|report| {
            (
                report["case"].as_str().unwrap().split('/').next().unwrap(),
                report,
            )
        })
        .collect();
    let carried = [
        "referral",
        "assessment_complete",
        "strategy_discussion",
        "icpc",
    ];
    let mut compared = 0;
    for line in &by_lines {
        let id = line["case"].as_str().unwrap();
        let Some(census) = by_id.get(id) else {
            continue;
        };
        // A census carries the Section 47 steps only for an episode with a Section 47 block;
        // without one it cannot say whether the assessment's outcome led to a strategy
        // discussion, so those rows are left out there.
        let s47 = !row(census, "strategy_discussion").2.is_empty();
        for step in carried
            .into_iter()
            .filter(|step| s47 || !matches!(*step, "strategy_discussion" | "icpc"))
        {
            let by_lines = row(line, step);
            assert_eq!(by_lines, row(census, step), "case {id}, step {step}");
            compared += usize::from(by_lines.0 != "not_applicable");
        }
    }
    // The caseload reaches every carried step often enough for the comparison to mean something.
    assert!(compared > 3_000, "only {compared} rows compared");
}

#[test]
fn a_deadline_on_the_reference_date_is_not_yet_missed() {
    // 15 working days after 10 March 2026 is 31 March, the reference date.
    let episode = "        <CINreferralDate>2026-03-02</CINreferralDate>
        <Section47>
          <S47ActualStartDate>2026-03-10</S47ActualStartDate>
          <ICPCnotRequired>false</ICPCnotRequired>
        </Section47>\n";
    let path = census("reference-day.xml", &child("D", "", episode));
    let (_, reports, _) = run(assessment(), &path, &[]);
    // The return covers the whole of its reference date: the conference can still be held.
    assert_eq!(
        row(case(&reports, "D/2026-03-02"), "icpc"),
        ("pending".into(), "2026-03-31".into(), "".into())
    );
    // The reading that counts the reference date as already past: as of the day after.
    let (_, reports, _) = run(assessment(), &path, &["--as-of", "2026-04-01"]);
    assert_eq!(row(case(&reports, "D/2026-03-02"), "icpc").0, "overdue");
}

#[test]
fn explain_finds_a_census_case_and_says_how_its_due_date_was_reached() {
    let episode = "        <CINreferralDate>2026-01-05</CINreferralDate>
        <Section47>
          <S47ActualStartDate>2026-02-05</S47ActualStartDate>
          <DateOfInitialCPC>2026-03-02</DateOfInitialCPC>
          <ICPCnotRequired>false</ICPCnotRequired>
        </Section47>\n";
    let path = census("explain.xml", &child("X1", "", episode));
    let (code, out, err) = waymark(&["run", assessment(), &path, "--explain", "X1/2026-01-05"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "the clock is the first `strategy_discussion` that decided `section47`, done 2026-02-05"
        ),
        "{out}"
    );
    assert!(
        out.contains("result: done 2026-03-02 (line 15), after 2026-02-26: late"),
        "{out}"
    );
    let (code, _, err) = waymark(&["run", assessment(), &path, "--explain", "X1/2026-01-06"]);
    assert_eq!(code, 2);
    assert!(err.contains("no case `X1/2026-01-06`"), "{err}");
}

#[test]
fn the_rows_docs_cin_census_shows_are_the_rows_waymark_prints() {
    let (_, assessment_rows, _) = waymark(&[
        "run",
        assessment(),
        "examples/census.xml",
        "--format",
        "csv",
    ]);
    let (_, review_rows, _) = waymark(&[
        "run",
        "examples/cp_reviews.wm",
        "examples/census.xml",
        "--map",
        "examples/cp_reviews.toml",
        "--format",
        "csv",
    ]);
    let (_, imported, _) = waymark(&["import", "cin-census", "examples/census.xml"]);
    let printed = format!("{assessment_rows}{review_rows}{imported}");
    let docs = std::fs::read_to_string("docs/cin-census.md").unwrap();
    let shown: Vec<&str> = docs
        .lines()
        .filter(|line| line.contains(",2026-03-31,") || line.starts_with("{\"case\":\"B01"))
        .collect();
    assert!(shown.len() >= 6, "{shown:?}");
    for line in shown {
        assert!(
            printed.lines().any(|row| row == line),
            "docs/cin-census.md shows a row Waymark does not print:\n{line}"
        );
    }
}

#[test]
fn import_never_writes_over_its_census_and_map_needs_a_census() {
    let path = census(
        "own-output.xml",
        &child(
            "C1",
            "",
            "        <CINreferralDate>2026-01-05</CINreferralDate>\n",
        ),
    );
    let before = std::fs::read_to_string(&path).unwrap();
    let (code, _, err) = waymark(&["import", "cin-census", &path, "-o", &path]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    let (code, _, err) = waymark(&[
        "run",
        assessment(),
        "examples/cases.jsonl",
        "--map",
        "examples/cp_reviews.toml",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("is for a Children in Need census file"),
        "{err}"
    );
}

/// A census that cannot be read is reported as unreadable, not as a file that is no census.
#[test]
fn import_of_a_missing_census_says_it_cannot_be_read() {
    let (code, _, stderr) = crate::cli::waymark(&["import", "cin-census", "no-such-census.xml"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("cannot read `no-such-census.xml`: no such file"),
        "{stderr}"
    );
    let (code, _, stderr) = crate::cli::waymark(&["import", "cin-census", "tests"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("`tests` is a folder, not a file"),
        "{stderr}"
    );
}

/// A byte that is not UTF-8 inside a child stops the reading there: the message says so, with
/// the conversion to run, and does not add that the child lacks what came after the break.
#[test]
fn a_latin1_byte_in_a_child_is_named_and_nothing_false_is_added() {
    let scratch = crate::cli::Scratch::new("census-latin1");
    let mut bytes = std::fs::read("examples/census.xml").unwrap();
    let at = bytes
        .windows(14)
        .position(|w| w == b"<LAchildID>A02")
        .unwrap()
        + 11;
    bytes.insert(at, 0xE9);
    let census = scratch.file("census.xml", &bytes);
    let (code, _, stderr) =
        crate::cli::waymark(&["run", "procedures/assessment.wm", &census, "--summary"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("not UTF-8 text here, so neither this child nor any after it can be read"),
        "{stderr}"
    );
    assert!(stderr.contains("iconv -f WINDOWS-1252"), "{stderr}");
    assert!(!stderr.contains("WM0607"), "{stderr}");
}

/// The steps no census field records are named on standard error, so their rows are not read
/// as work not done; a mapping that records every step names none.
#[test]
fn a_census_run_names_the_steps_the_census_cannot_record() {
    let (code, _, stderr) = waymark(&[
        "run",
        "procedures/child_protection_plan.wm",
        "examples/census.xml",
        "--summary",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "note: the census has no field for 2 of this procedure's steps \
             (cp_review_assessment, cp_updated_assessment_9)"
        ),
        "{stderr}"
    );
    let (_, _, stderr) = waymark(&[
        "run",
        "examples/cp_reviews.wm",
        "examples/census.xml",
        "--map",
        "examples/cp_reviews.toml",
        "--summary",
    ]);
    assert!(!stderr.contains("has no field for"), "{stderr}");
}
