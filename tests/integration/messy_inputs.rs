//! Case files as other systems save them: UTF-16, Excel's CSV (a trailing comma, rows of only
//! commas, `TRUE`, semicolons, day-first dates), database timestamps with seconds, and case
//! text that a spreadsheet would run as a formula when it opens `--format csv`.

use crate::cli::{Scratch, waymark, waymark_with_input};

const ASSESSMENT: &str = "procedures/assessment.wm";
const RECORDING: &str = "procedures/recording.wm";

/// `text` in UTF-16, little-endian or big-endian, with or without a byte-order mark.
fn utf16(text: &str, little: bool, mark: bool) -> Vec<u8> {
    let mut bytes = Vec::new();
    let units = mark
        .then_some(0xFEFF)
        .into_iter()
        .chain(text.encode_utf16());
    for unit in units {
        let pair = match little {
            true => unit.to_le_bytes(),
            false => unit.to_be_bytes(),
        };
        bytes.extend_from_slice(&pair);
    }
    bytes
}

/// Stderr with the scratch folder's path (it holds the process id) made fixed.
fn fixed(text: &str, scratch: &Scratch) -> String {
    text.replace(&format!("{}/", scratch.0.display()), "")
}

#[test]
fn utf16_case_facts_and_census_files_are_refused_saying_how_to_save_them() {
    let scratch = Scratch::new("messy-utf16");
    let lines = std::fs::read_to_string("examples/cases.jsonl").unwrap();
    let two: String = lines
        .lines()
        .take(2)
        .map(|line| format!("{line}\r\n"))
        .collect();
    let census = std::fs::read_to_string("examples/census.xml").unwrap();
    let csv = std::fs::read_to_string("examples/cases.csv").unwrap();
    let facts = std::fs::read_to_string("examples/facts.csv").unwrap();
    let mut refused = Vec::new();
    for (little, mark) in [(true, true), (false, true), (true, false)] {
        let jsonl = scratch.file("cases16.jsonl", &utf16(&two, little, mark));
        refused.push(waymark(&[
            "run",
            ASSESSMENT,
            &jsonl,
            "--as-of",
            "2026-06-30",
        ]));
    }
    let events = scratch.file("cases16.csv", &utf16(&csv, true, true));
    refused.push(waymark(&[
        "run",
        ASSESSMENT,
        &events,
        "--as-of",
        "2026-06-30",
    ]));
    let facts16 = scratch.file("facts16.csv", &utf16(&facts, true, true));
    let args = ["run", ASSESSMENT, "examples/cases.csv", "--facts", &facts16];
    refused.push(waymark(&args));
    let xml = scratch.file("census16.xml", &utf16(&census, true, true));
    refused.push(waymark(&["run", ASSESSMENT, &xml, "--summary"]));
    refused.push(waymark(&["import", "cin-census", &xml]));
    for (code, stdout, stderr) in &refused {
        assert_eq!(*code, 1, "{stderr}");
        assert!(stdout.is_empty(), "no case was run: {stdout}");
        assert!(
            stderr.starts_with("error[WM0002]: ")
                && stderr.contains("is UTF-16 text")
                && stderr.contains("iconv -f UTF-16 -t UTF-8")
                && stderr.lines().count() == 2,
            "{stderr}"
        );
    }
    insta::assert_snapshot!("messy_inputs__utf16_jsonl", fixed(&refused[0].2, &scratch));
    // The same cases in UTF-8 are read.
    let utf8 = scratch.file("cases.jsonl", two.as_bytes());
    let (code, _, stderr) = waymark(&["run", ASSESSMENT, &utf8, "--as-of", "2026-06-30"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn utf16_on_standard_input_is_refused_too() {
    let two: String = std::fs::read_to_string("examples/cases.jsonl")
        .unwrap()
        .lines()
        .take(2)
        .map(|line| format!("{line}\n"))
        .collect();
    // `waymark_with_input` takes text: UTF-16 without a mark, as bytes of ASCII and zeros.
    let bytes = utf16(&two, true, false);
    let text = String::from_utf8(bytes).unwrap();
    let (code, stdout, stderr) = waymark_with_input(&["run", ASSESSMENT, "-"], &text);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.starts_with("error[WM0002]: standard input is UTF-16 text"),
        "{stderr}"
    );
}

#[test]
fn lines_that_are_not_objects_say_what_they_are() {
    let scratch = Scratch::new("messy-not-objects");
    let cases = scratch.file("cases.jsonl", b"[1,2]\nnull\n  x\n\0{\"case\":\"Z\"}\n");
    let (code, stdout, stderr) = waymark(&["run", ASSESSMENT, &cases, "--as-of", "2026-06-30"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(!stderr.contains("starts with `{`\n"), "{stderr}");
    insta::assert_snapshot!("messy_inputs__not_objects", stderr);
}

/// Excel's CSV: a comma ending every line (an unnamed last column), a row of only commas,
/// `TRUE`/`FALSE`/`No` for `waived`, and a value under the unnamed column (an error).
#[test]
fn csv_as_excel_saves_it_is_read() {
    let scratch = Scratch::new("messy-excel");
    let events = scratch.file(
        "events.csv",
        b"case,step,on,outcome,by,reason,waived,\r\n\
          C1,referral,2026-01-05,,front_door,,FALSE,\r\n\
          ,,,,,,,\r\n\
          C1,assessment_plan,2026-01-06,,manager,,No,\r\n\
          C1,child_seen_alone,2026-01-09,,family_practitioner,not in her interest,TRUE,\r\n\
          C2,referral,2026-01-05,,front_door,,,stray\r\n",
    );
    let facts = scratch.file(
        "facts.csv",
        b"case,fact,value,\r\nC1,threshold,level2,\r\n,,,\r\nC2,threshold,level3,\r\n",
    );
    let args = [
        "run",
        ASSESSMENT,
        &events,
        "--facts",
        &facts,
        "--as-of",
        "2026-01-12",
    ];
    let (code, stdout, stderr) = waymark(&[&args[..], &["--format", "csv"]].concat());
    assert_eq!(code, 1, "C2 has a value under the unnamed column: {stderr}");
    insta::assert_snapshot!(
        "messy_inputs__excel_csv",
        format!("{stdout}---\n{}", fixed(&stderr, &scratch))
    );
    assert!(
        stdout.contains("C1,2026-01-12,open,child_seen_alone,,waived,"),
        "TRUE is read as waived: {stdout}"
    );
}

#[test]
fn csv_headers_excel_gets_wrong_are_named() {
    let scratch = Scratch::new("messy-headers");
    let mut shown = String::new();
    for (name, bytes) in [
        (
            "semicolons.csv",
            &b"case;step;on\nC1;referral;2026-01-05\n"[..],
        ),
        (
            "twice.csv",
            b"case,step,on,on\nC1,referral,2026-01-05,2026-01-05\n",
        ),
    ] {
        let events = scratch.file(name, bytes);
        let (code, stdout, stderr) =
            waymark(&["run", ASSESSMENT, &events, "--as-of", "2026-06-30"]);
        assert_eq!(code, 1, "{stderr}");
        assert!(stdout.is_empty(), "{stdout}");
        shown.push_str(&fixed(&stderr, &scratch));
    }
    insta::assert_snapshot!("messy_inputs__csv_headers", shown);
}

/// Seconds, as databases export timestamps, are read (and dropped); day-first dates are still
/// refused, saying why and how to write them.
#[test]
fn timestamps_with_seconds_are_read_and_day_first_dates_explained() {
    let scratch = Scratch::new("messy-dates");
    let jsonl = scratch.file(
        "recording.jsonl",
        b"{\"case\":\"R1\",\"facts\":{},\"events\":[{\"step\":\"visit\",\"on\":\"2026-06-01T10:00:00\",\"by\":\"social_worker\"},{\"step\":\"visit_recorded\",\"on\":\"2026-06-02T10:00:59.5\",\"by\":\"social_worker\"}]}\n",
    );
    let (code, with_seconds, stderr) = waymark(&[
        "run",
        RECORDING,
        &jsonl,
        "--as-of",
        "2026-06-30",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let plain = scratch.file(
        "plain.jsonl",
        b"{\"case\":\"R1\",\"facts\":{},\"events\":[{\"step\":\"visit\",\"on\":\"2026-06-01T10:00\",\"by\":\"social_worker\"},{\"step\":\"visit_recorded\",\"on\":\"2026-06-02T10:00\",\"by\":\"social_worker\"}]}\n",
    );
    let (_, without, _) = waymark(&[
        "run",
        RECORDING,
        &plain,
        "--as-of",
        "2026-06-30",
        "--format",
        "csv",
    ]);
    assert_eq!(
        with_seconds, without,
        "seconds are dropped: 24 hours exactly is on target"
    );
    let csv = scratch.file(
        "recording.csv",
        b"case,step,on,by\nR1,visit,2026-06-01T10:00:00,social_worker\nR1,visit_recorded,2026-06-02T10:00:30,social_worker\n",
    );
    let (code, from_csv, stderr) = waymark(&[
        "run",
        RECORDING,
        &csv,
        "--as-of",
        "2026-06-30",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(from_csv, without);
    let day_first = scratch.file(
        "dayfirst.csv",
        b"case,step,on,by\nR1,visit,01/06/2026,social_worker\n",
    );
    let (code, _, stderr) = waymark(&["run", RECORDING, &day_first, "--as-of", "2026-06-30"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("messy_inputs__day_first", stderr);
}

/// A case id or reason that a spreadsheet would take for a formula (`=`, `+`, `-`, `@` first,
/// `-` before a digit included) is written with a `'` first in `--format csv`, and as it is
/// everywhere else.
#[test]
fn csv_output_does_not_hand_a_spreadsheet_a_formula() {
    let scratch = Scratch::new("messy-formula");
    let cases = scratch.file(
        "cases.jsonl",
        b"{\"case\":\"=HYPERLINK(\\\"http://x\\\",\\\"y\\\")\",\"facts\":{\"threshold\":\"level2\"},\"events\":[{\"step\":\"referral\",\"on\":\"2026-01-05\",\"by\":\"front_door\"},{\"step\":\"child_seen_alone\",\"on\":\"2026-01-06\",\"waived\":true,\"reason\":\"@SUM(A1)\"}]}\n{\"case\":\"-5\",\"facts\":{\"threshold\":\"level2\"},\"events\":[{\"step\":\"referral\",\"on\":\"2026-01-05\",\"by\":\"front_door\"}]}\n{\"case\":\"-1+1\",\"facts\":{\"threshold\":\"level2\"},\"events\":[{\"step\":\"referral\",\"on\":\"2026-01-05\",\"by\":\"front_door\"},{\"step\":\"child_seen_alone\",\"on\":\"2026-01-06\",\"waived\":true,\"reason\":\"-2+3+cmd|' /C calc'!A0\"}]}\n",
    );
    let args = ["run", ASSESSMENT, &cases, "--as-of", "2026-01-12"];
    let (code, csv, stderr) = waymark(&[&args[..], &["--format", "csv"]].concat());
    assert_eq!(code, 0, "{stderr}");
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert!(
        rows.iter().all(
            |row| row.starts_with("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",")
                || row.starts_with("'-5,")
                || row.starts_with("'-1+1,")
        ),
        "{csv}"
    );
    assert!(csv.contains(",'@SUM(A1),"), "{csv}");
    // `-` before a digit starts a formula too (`-1+1`), so it is guarded like the rest.
    assert!(csv.contains(",'-2+3+cmd|' /C calc'!A0,"), "{csv}");
    // The dates and numbers Waymark writes itself are not guarded.
    assert!(
        csv.contains("'-1+1,2026-01-12,open,referral,,met,,,2026-01-05,"),
        "{csv}"
    );
    let (_, json, _) = waymark(&[&args[..], &["--format", "json"]].concat());
    assert!(json.contains("\"case\":\"=HYPERLINK("), "{json}");
    assert!(!json.contains("'="), "{json}");
}
