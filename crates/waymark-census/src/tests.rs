//! Unit tests of the reader: places, detection, the tree of a child.

use crate::read::{At, CensusReader, looks_like_census};

const FILE: &str = "<?xml version=\"1.0\"?>
<Message>
  <Header><CollectionDetails><Collection>CIN</Collection><ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails></Header>
  <Children>
    <Child>
      <ChildIdentifiers><LAchildID>A&amp;B</LAchildID></ChildIdentifiers>
      <CINdetails>
        <CINreferralDate>2026-01-05</CINreferralDate>
      </CINdetails>
    </Child>
    <Child><ChildIdentifiers><LAchildID>C</LAchildID></ChildIdentifiers></Child>
  </Children>
</Message>
";

#[test]
fn a_census_is_known_by_its_root_and_collection() {
    assert!(looks_like_census(FILE.as_bytes()));
    assert!(looks_like_census(
        b"\xEF\xBB\xBF<!-- export -->\n<Message>\n<CINdetails>"
    ));
    assert!(!looks_like_census(
        b"<Messages><Collection>CIN</Collection>"
    ));
    assert!(!looks_like_census(b"<Message><Collection>SWF</Collection>"));
    assert!(!looks_like_census(b"{\"case\":\"C1\"}"));
}

#[test]
fn children_are_read_one_at_a_time_with_their_places() {
    let mut reader = CensusReader::open(FILE.as_bytes()).unwrap();
    let (date, at) = reader.header.reference_date.clone().unwrap();
    assert_eq!(date, "2026-03-31");
    assert_eq!(
        at,
        At {
            line: 3,
            column: 73
        }
    );
    let first = reader.next_child().unwrap();
    assert_eq!(first.node().at, At { line: 5, column: 5 });
    let ids = first.node().first("ChildIdentifiers").unwrap();
    assert_eq!(ids.first("LAchildID").unwrap().text, "A&B");
    let episode = first.node().first("CINdetails").unwrap();
    let referral = episode.first("CINreferralDate").unwrap();
    assert_eq!(
        (referral.text, referral.text_at),
        (
            "2026-01-05",
            At {
                line: 8,
                column: 26
            }
        )
    );
    let second = reader.next_child().unwrap();
    assert_eq!(second.node().at.line, 11);
    assert!(second.node().first("CINdetails").is_none());
    assert!(reader.next_child().is_none());
    assert!(reader.findings.is_empty(), "{:?}", reader.findings);
}

#[test]
fn a_file_cut_short_is_a_finding_of_the_child_being_read() {
    let cut = &FILE[..FILE.find("</CINdetails>").unwrap()];
    let mut reader = CensusReader::open(cut.as_bytes()).unwrap();
    let child = reader.next_child().unwrap();
    assert_eq!(child.findings.len(), 1);
    assert_eq!(
        child.findings[0].code,
        waymark_diagnostics::Code::CensusUnreadable
    );
    assert!(reader.next_child().is_none());
}

#[test]
fn places_stay_right_across_the_reader_s_chunks() {
    // About 400 KB: places past several 64 KB chunks, with lines of different lengths.
    let mut file = String::from("<Message><Header/>\n<Children>\n");
    for n in 0..3_000 {
        let pad = " ".repeat(n % 37);
        file.push_str(&format!(
            "<Child>\n{pad}<ChildIdentifiers><LAchildID>C{n}</LAchildID></ChildIdentifiers>\n</Child>\n"
        ));
    }
    file.push_str("</Children></Message>\n");
    let mut reader = CensusReader::open(file.as_bytes()).unwrap();
    for n in 0..3_000u32 {
        let child = reader.next_child().unwrap();
        assert_eq!(
            child.node().at,
            At {
                line: 3 + 3 * n,
                column: 1
            }
        );
        let id = child
            .node()
            .first("ChildIdentifiers")
            .unwrap()
            .first("LAchildID")
            .unwrap();
        let column = (n % 37) + 1 + "<ChildIdentifiers><LAchildID>".len() as u32;
        assert_eq!(
            id.text_at,
            At {
                line: 4 + 3 * n,
                column
            },
            "child {n}"
        );
    }
    assert!(reader.next_child().is_none());
}

/// A file saved as Latin-1 by an older system: the reader says it is not UTF-8 and how to
/// convert it, in the header (where it used to say the file had no children) and in a child.
#[test]
fn a_byte_that_is_not_utf8_is_named_as_such() {
    let in_header = FILE
        .replace(
            "<?xml version=\"1.0\"?>",
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
        )
        .replace("<Header>", "<Header><!-- caf -->");
    let mut bytes = in_header.into_bytes();
    let at = bytes.windows(3).position(|w| w == b"caf").unwrap() + 3;
    bytes.insert(at, 0xE9);
    let Err(error) = CensusReader::open(bytes.as_slice()) else {
        panic!("a census header that is not UTF-8 must not be read");
    };
    assert!(error.message.contains("not UTF-8"), "{}", error.message);
    assert!(
        error.message.contains("iconv -f ISO-8859-1"),
        "{}",
        error.message
    );
    assert_eq!(error.at.line, 3);

    let mut bytes = FILE.as_bytes().to_vec();
    let at = bytes.windows(3).position(|w| w == b"A&a").unwrap() + 1;
    bytes.insert(at, 0xE9);
    let mut reader = CensusReader::open(bytes.as_slice()).unwrap();
    let first = reader.next_child().unwrap();
    let message = &first.findings.first().unwrap().message;
    assert!(message.contains("not UTF-8"), "{message}");
    assert!(message.contains("iconv -f WINDOWS-1252"), "{message}");
}
