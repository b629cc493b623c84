//! Reading a census file as a stream: the header first, then one `<Child>` at a time as a small
//! tree of the elements the specification knows. Nothing but the child being read is kept, so
//! memory stays flat whatever the file's size. Every odd thing found is a [`Finding`] with its
//! line and column; a child with one is still read, and so is every child after it.
#![allow(
    clippy::indexing_slicing,
    reason = "offsets index the buffer they were found in, and stay within its filled length"
)]

use crate::spec::{self, Kind};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, Read};
use waymark_diagnostics::Code;

/// A place in the census file: 1-based line and column (in bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct At {
    pub line: u32,
    pub column: u32,
}

/// The elements of one `<Child>` (or of the header), kept flat: every element in one list and
/// every text in one string, so a child costs two allocations however many fields it has (one
/// allocation per element made the allocator a third of the reading time).
#[derive(Clone, Debug, Default)]
pub struct Tree {
    elements: Vec<Element>,
    text: String,
}

#[derive(Clone, Debug)]
struct Element {
    name: &'static str,
    at: At,
    text_at: At,
    text: (u32, u32),
    first_child: u32,
    last_child: u32,
    next_sibling: u32,
}

/// No element: element 0 is the root, which is no one's child or sibling.
const NONE: u32 = 0;

impl Tree {
    fn new(name: &'static str, at: At) -> Tree {
        let mut tree = Tree {
            elements: Vec::with_capacity(32),
            text: String::with_capacity(256),
        };
        tree.elements.push(Element::new(name, at));
        tree
    }

    /// The element the tree was read from (an empty `<Child>` for an empty tree).
    pub fn root(&self) -> Node<'_> {
        self.node(0)
    }

    fn node(&self, index: u32) -> Node<'_> {
        let (name, at, text_at, (start, end)) = match self.elements.get(index as usize) {
            Some(element) => (element.name, element.at, element.text_at, element.text),
            None => ("Child", At::default(), At::default(), (0, 0)),
        };
        Node {
            name,
            at,
            text_at,
            text: self.text.get(start as usize..end as usize).unwrap_or(""),
            tree: self,
            index,
        }
    }

    /// Adds an element inside `parent`, after its other elements.
    fn add(&mut self, parent: u32, name: &'static str, at: At) -> u32 {
        let index = u32::try_from(self.elements.len()).unwrap_or(u32::MAX);
        self.elements.push(Element::new(name, at));
        let last = self
            .elements
            .get(parent as usize)
            .map_or(NONE, |p| p.last_child);
        let link = match last {
            NONE => self
                .elements
                .get_mut(parent as usize)
                .map(|p| &mut p.first_child),
            last => self
                .elements
                .get_mut(last as usize)
                .map(|l| &mut l.next_sibling),
        };
        if let Some(link) = link {
            *link = index;
        }
        if let Some(parent) = self.elements.get_mut(parent as usize) {
            parent.last_child = index;
        }
        index
    }

    fn add_text(&mut self, element: u32, text: &str, at: At) {
        let start = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        let end = u32::try_from(self.text.len() + text.len()).unwrap_or(u32::MAX);
        let Some(element) = self.elements.get_mut(element as usize) else {
            return;
        };
        if element.text.0 == element.text.1 {
            element.text_at = at;
            element.text.0 = start;
        }
        element.text.1 = end;
        self.text.push_str(text);
    }

    fn next(&self, index: u32, link: fn(&Element) -> u32) -> Option<Node<'_>> {
        let next = self.elements.get(index as usize).map_or(NONE, link);
        (next != NONE).then(|| self.node(next))
    }
}

impl Element {
    fn new(name: &'static str, at: At) -> Element {
        Element {
            name,
            at,
            text_at: at,
            text: (0, 0),
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
        }
    }
}

/// One element as read: its text (for a field) or the elements inside it (for a group).
#[derive(Clone, Copy, Debug)]
pub struct Node<'t> {
    pub name: &'static str,
    pub at: At,
    pub text: &'t str,
    /// Where the text starts (the element's place when it has none).
    pub text_at: At,
    tree: &'t Tree,
    index: u32,
}

impl<'t> Node<'t> {
    /// The elements inside this one, in file order.
    pub fn children(self) -> impl Iterator<Item = Node<'t>> + 't {
        let tree = self.tree;
        std::iter::successors(tree.next(self.index, |e| e.first_child), move |node| {
            tree.next(node.index, |e| e.next_sibling)
        })
    }

    /// The elements inside this one with this name, in file order.
    pub fn all(self, name: &'t str) -> impl Iterator<Item = Node<'t>> + 't {
        self.children().filter(move |child| child.name == name)
    }

    pub fn first(self, name: &str) -> Option<Node<'t>> {
        self.children().find(|child| child.name == name)
    }
}

/// Something odd or wrong in the file, at a place. Its code's severity says whether the child
/// it is in can still be run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub at: At,
    pub message: String,
}

impl Finding {
    pub fn is_error(&self) -> bool {
        self.code.severity() == waymark_diagnostics::Severity::Error
    }
}

/// One `<Child>`, with what was found odd in it.
#[derive(Clone, Debug, Default)]
pub struct Child {
    pub tree: Tree,
    pub findings: Vec<Finding>,
}

impl Child {
    /// The `<Child>` element.
    pub fn node(&self) -> Node<'_> {
        self.tree.root()
    }
}

/// What the header says.
#[derive(Clone, Debug, Default)]
pub struct Header {
    /// `<ReferenceDate>` as written, with its place.
    pub reference_date: Option<(String, At)>,
    /// `<Collection>`, e.g. `CIN`.
    pub collection: Option<String>,
}

/// Whether the start of a file is a Children in Need census: its root element is `<Message>`
/// and it has CIN collection details (`<Collection>CIN`) or CIN episodes (`<CINdetails>`).
pub fn looks_like_census(start: &[u8]) -> bool {
    let text = String::from_utf8_lossy(start);
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    // Skip the declaration, comments and processing instructions before the root.
    loop {
        if let Some(after) = rest.strip_prefix("<?") {
            rest = after
                .split_once("?>")
                .map_or("", |(_, tail)| tail)
                .trim_start();
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = after
                .split_once("-->")
                .map_or("", |(_, tail)| tail)
                .trim_start();
        } else {
            break;
        }
    }
    let root = rest
        .strip_prefix("<Message")
        .is_some_and(|after| after.starts_with(['>', ' ', '\t', '\r', '\n', '/']));
    let collection = text.contains("<Collection>CIN");
    root && (collection || text.contains("<CINdetails"))
}

/// The census file, read one child at a time.
pub struct CensusReader<R: Read> {
    xml: Reader<Counting<R>>,
    buf: Vec<u8>,
    pub header: Header,
    /// Findings outside any child (the header, the end of the file).
    pub findings: Vec<Finding>,
    done: bool,
    /// Hashes of the `LAchildID`s seen, to find duplicate children without keeping the ids.
    seen: HashSet<u64>,
    /// The encoding the XML declaration names, when it is not UTF-8.
    declared: Option<String>,
}

/// Why a file is not a census at all.
#[derive(Debug)]
pub struct NotCensus {
    pub at: At,
    pub message: String,
}

impl<R: Read> CensusReader<R> {
    /// Reads up to the first child: the root and the header.
    pub fn open(input: R) -> Result<CensusReader<R>, NotCensus> {
        let mut xml = Reader::from_reader(Counting::new(input));
        xml.config_mut().trim_text(false);
        let mut reader = CensusReader {
            xml,
            buf: Vec::with_capacity(4096),
            header: Header::default(),
            findings: Vec::new(),
            done: false,
            seen: HashSet::new(),
            declared: None,
        };
        reader.find_root()?;
        reader.read_header()?;
        Ok(reader)
    }

    /// How far the file has been read, in bytes.
    pub fn bytes_read(&self) -> u64 {
        self.xml.get_ref().offset
    }

    fn here(&self) -> At {
        self.xml.get_ref().here()
    }

    fn find_root(&mut self) -> Result<(), NotCensus> {
        loop {
            let at = self.here();
            self.buf.clear();
            match self.xml.read_event_into(&mut self.buf) {
                Ok(Event::Start(start)) if start.name().as_ref() == "Message" => return Ok(()),
                Ok(Event::Start(start) | Event::Empty(start)) => {
                    let name = start.name().as_ref().to_string();
                    return Err(NotCensus {
                        at,
                        message: format!("the root element is `<{name}>`, not `<Message>`"),
                    });
                }
                Ok(Event::Text(text)) if text.trim().is_empty() => {}
                Ok(Event::Decl(declaration)) => {
                    let named = declaration.encoding().and_then(Result::ok);
                    let named = named.map(|name| name.trim().to_string());
                    self.declared = named.filter(|name| !name.eq_ignore_ascii_case("utf-8"));
                }
                Ok(Event::Comment(_) | Event::PI(_) | Event::DocType(_)) => {}
                Ok(Event::Eof) => {
                    return Err(NotCensus {
                        at,
                        message: "the file has no `<Message>` element".to_string(),
                    });
                }
                Ok(_) => {
                    return Err(NotCensus {
                        at,
                        message: "text before the `<Message>` element".to_string(),
                    });
                }
                Err(error) => {
                    return Err(NotCensus {
                        at,
                        message: self.unreadable("the file is not XML", &error),
                    });
                }
            }
        }
    }

    /// Reads `<Header>` (if there is one) up to the start of `<Children>`.
    fn read_header(&mut self) -> Result<(), NotCensus> {
        loop {
            let at = self.here();
            self.buf.clear();
            let event = self.xml.read_event_into(&mut self.buf);
            match event {
                Ok(Event::Start(start)) => match start.name().as_ref() {
                    "Children" => return Ok(()),
                    "Header" => {
                        let mut findings = Vec::new();
                        let header = self.read_tree("Header", at, &mut findings);
                        // The header could not be read to its end: say why, rather than that
                        // the file has no children.
                        if self.done
                            && let Some(broken) = findings.iter().find(|f| f.is_error())
                        {
                            return Err(NotCensus {
                                at: broken.at,
                                message: broken.message.clone(),
                            });
                        }
                        self.findings.extend(findings);
                        self.take_header(header.root());
                    }
                    other => {
                        let name = other.to_string();
                        self.unknown(&name, "Message", at);
                        self.skip_element();
                    }
                },
                Ok(Event::Empty(start)) if start.name().as_ref() == "Children" => {
                    self.done = true;
                    return Ok(());
                }
                Ok(Event::Eof) | Ok(Event::End(_)) => {
                    self.done = true;
                    return Err(NotCensus {
                        at,
                        message: "the `<Message>` has no `<Children>`".to_string(),
                    });
                }
                Ok(Event::Text(text)) if text.trim().is_empty() => {}
                Ok(Event::Text(_) | Event::CData(_) | Event::GeneralRef(_)) => {
                    self.findings.push(stray_finding("Message", at));
                }
                Ok(_) => {}
                Err(error) => {
                    return Err(NotCensus {
                        at,
                        message: self.unreadable("the file is not well-formed XML", &error),
                    });
                }
            }
        }
    }

    fn take_header(&mut self, header: Node<'_>) {
        let Some(details) = header.first("CollectionDetails") else {
            return;
        };
        if let Some(date) = details.first("ReferenceDate") {
            self.header.reference_date = Some((date.text.trim().to_string(), date.text_at));
        }
        if let Some(collection) = details.first("Collection") {
            self.header.collection = Some(collection.text.trim().to_string());
        }
    }

    /// The next `<Child>`, or `None` at the end of `<Children>` (or of the file).
    pub fn next_child(&mut self) -> Option<Child> {
        while !self.done {
            let at = self.here();
            self.buf.clear();
            match self.xml.read_event_into(&mut self.buf) {
                Ok(Event::Start(start)) if start.name().as_ref() == "Child" => {
                    let mut findings = Vec::new();
                    let tree = self.read_tree("Child", at, &mut findings);
                    let mut child = Child { tree, findings };
                    self.check_duplicate(&mut child);
                    return Some(child);
                }
                Ok(Event::Start(start)) => {
                    let name = start.name().as_ref().to_string();
                    self.unknown(&name, "Children", at);
                    self.skip_element();
                }
                Ok(Event::Empty(start)) => {
                    let name = start.name().as_ref().to_string();
                    match name.as_str() {
                        "Child" => {
                            return Some(Child {
                                tree: Tree::new("Child", at),
                                findings: Vec::new(),
                            });
                        }
                        _ => self.unknown(&name, "Children", at),
                    }
                }
                Ok(Event::End(_)) => self.done = true,
                Ok(Event::Eof) => {
                    self.done = true;
                    self.findings.push(Finding {
                        code: Code::CensusUnreadable,
                        at,
                        message: "the file ends before `</Children>`: it may have been cut short"
                            .to_string(),
                    });
                }
                Ok(Event::Text(text)) if text.trim().is_empty() => {}
                Ok(Event::Text(_) | Event::CData(_) | Event::GeneralRef(_)) => {
                    self.findings.push(stray_finding("Children", at));
                }
                Ok(_) => {}
                Err(error) => {
                    self.done = true;
                    self.findings.push(Finding {
                        code: Code::CensusUnreadable,
                        at: self.here(),
                        message: self.unreadable(
                            "the file is not well-formed XML here, so no later child can be read",
                            &error,
                        ),
                    });
                }
            }
        }
        None
    }

    /// Children up to about `episodes` episodes (at least one child), for running in blocks.
    pub fn next_block(&mut self, episodes: usize) -> Vec<Child> {
        let mut block = Vec::new();
        let mut count = 0;
        while count < episodes {
            let Some(child) = self.next_child() else {
                break;
            };
            count += child.node().all("CINdetails").count().max(1);
            block.push(child);
        }
        block
    }

    fn check_duplicate(&mut self, child: &mut Child) {
        let Some(id) = child
            .node()
            .first("ChildIdentifiers")
            .and_then(|c| c.first("LAchildID"))
        else {
            return;
        };
        let text = id.text.trim();
        if text.is_empty() {
            return;
        }
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        text.hash(&mut hasher);
        if !self.seen.insert(hasher.finish()) {
            child.findings.push(Finding {
                code: Code::CensusDuplicateChild,
                at: id.text_at,
                message: format!(
                    "the child `{text}` appears twice in the file; this second one is not run"
                ),
            });
        }
    }

    /// Why the XML reader stopped. A byte that is not UTF-8 is the usual cause in files saved
    /// by older systems, so that case says how to convert the file.
    fn unreadable(&self, what: &str, error: &quick_xml::Error) -> String {
        if !matches!(error, quick_xml::Error::Encoding(_)) {
            return format!("{what}: {error}");
        }
        let declared = match &self.declared {
            Some(name) => format!(" (its declaration says `{name}`)"),
            None => String::new(),
        };
        let from = self.declared.as_deref().unwrap_or("WINDOWS-1252");
        // What the break costs ("so no later child can be read"), when the caller says.
        let cost = what
            .split_once(", so ")
            .map_or(String::new(), |(_, cost)| format!(", so {cost}"));
        format!(
            "the file is not UTF-8 text here{declared}{cost}: census files are read as UTF-8. \
             Save it as UTF-8, for example with `iconv -f {from} -t UTF-8 FILE > \
             FILE-utf8.xml`, and run again"
        )
    }

    fn unknown(&mut self, name: &str, parent: &str, at: At) {
        self.findings.push(unknown_finding(name, parent, at));
    }

    /// Skips the rest of an element just started, whatever it holds.
    fn skip_element(&mut self) {
        let mut depth = 1u32;
        while depth > 0 {
            self.buf.clear();
            match self.xml.read_event_into(&mut self.buf) {
                Ok(Event::Start(_)) => depth += 1,
                Ok(Event::End(_)) => depth -= 1,
                Ok(Event::Eof) | Err(_) => return,
                Ok(_) => {}
            }
        }
    }

    /// Reads an element just started (its start tag at `at`) and everything inside it.
    fn read_tree(&mut self, name: &'static str, at: At, findings: &mut Vec<Finding>) -> Tree {
        let mut tree = Tree::new(name, at);
        // The open elements, innermost last, each with its name.
        let mut open: Vec<(u32, &'static str)> = vec![(0, name)];
        let mut skipping = 0u32;
        loop {
            let at = self.here();
            self.buf.clear();
            let event = self.xml.read_event_into(&mut self.buf);
            let (parent, parent_name) = open.last().copied().unwrap_or((0, ""));
            let allowed = spec::children(parent_name);
            match event {
                Ok(Event::Start(_) | Event::Empty(_)) if skipping > 0 => {
                    if matches!(event, Ok(Event::Start(_))) {
                        skipping += 1;
                    }
                }
                Ok(Event::End(_)) if skipping > 0 => skipping -= 1,
                Ok(Event::Start(start)) => match known(allowed, start.name().as_ref()) {
                    Some(name) => open.push((tree.add(parent, name, at), name)),
                    None => {
                        let name = start.name().as_ref().to_string();
                        findings.push(unknown_finding(&name, parent_name, at));
                        skipping = 1;
                    }
                },
                Ok(Event::Empty(start)) => match known(allowed, start.name().as_ref()) {
                    Some(name) => {
                        tree.add(parent, name, at);
                    }
                    None => {
                        let name = start.name().as_ref().to_string();
                        findings.push(unknown_finding(&name, parent_name, at));
                    }
                },
                Ok(Event::End(_)) => {
                    open.pop();
                    if open.is_empty() {
                        return tree;
                    }
                }
                Ok(_) if skipping > 0 => {}
                Ok(Event::Text(text)) => {
                    add_text(&mut tree, parent, parent_name, allowed, &text, at, findings);
                }
                Ok(Event::CData(data)) => {
                    add_text(&mut tree, parent, parent_name, allowed, &data, at, findings);
                }
                Ok(Event::GeneralRef(reference)) => {
                    let text = match &*reference {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "\u{fffd}",
                    };
                    add_text(&mut tree, parent, parent_name, allowed, text, at, findings);
                }
                Ok(Event::Eof) => {
                    self.done = true;
                    findings.push(Finding {
                        code: Code::CensusUnreadable,
                        at,
                        message: format!(
                            "the file ends inside `<{parent_name}>`: it has been cut short, so this child is not run"
                        ),
                    });
                    return tree;
                }
                Ok(_) => {}
                Err(error) => {
                    self.done = true;
                    findings.push(Finding {
                        code: Code::CensusUnreadable,
                        at: self.here(),
                        message: self.unreadable(
                            "the file is not well-formed XML here, so neither this child nor any \
                             after it can be read",
                            &error,
                        ),
                    });
                    return tree;
                }
            }
        }
    }
}

/// Text inside an element: a field's value, or (in a group) stray text.
fn add_text(
    tree: &mut Tree,
    element: u32,
    name: &str,
    allowed: &[(&str, Kind)],
    text: &str,
    at: At,
    findings: &mut Vec<Finding>,
) {
    // A field holds text; a group holds only elements and the spaces between them.
    if allowed.is_empty() {
        tree.add_text(element, text, at);
    } else if !text.trim().is_empty() {
        findings.push(stray_finding(name, at));
    }
}

/// The element's name as the specification spells it, if it may appear here.
fn known(allowed: &[(&'static str, Kind)], name: &str) -> Option<&'static str> {
    allowed
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(known, _)| *known)
}

fn stray_finding(parent: &str, at: At) -> Finding {
    Finding {
        code: Code::CensusStrayText,
        at,
        message: format!(
            "text between the elements of `<{parent}>` is not part of any field; it is ignored"
        ),
    }
}

fn unknown_finding(name: &str, parent: &str, at: At) -> Finding {
    Finding {
        code: Code::CensusUnknownElement,
        at,
        message: format!(
            "`<{name}>` is not an element the census specification puts in `<{parent}>`; it is skipped"
        ),
    }
}

/// The reader under the XML reader: it buffers the file itself so that each chunk's line breaks
/// are found once, in one pass over the whole chunk, and the place of any byte consumed so far
/// is a look-up. (Counting them in each `consume` call, a few bytes at a time, took a tenth of
/// the reading time.)
struct Counting<R> {
    inner: R,
    chunk: Vec<u8>,
    /// The consumed part of `chunk`, and how much of it is filled.
    pos: usize,
    filled: usize,
    /// Offsets in `chunk` of its line breaks, and how many of them are before `pos`.
    breaks: Vec<usize>,
    passed: usize,
    /// The file offset of `chunk[0]`, and the line it is on.
    chunk_offset: u64,
    chunk_line: u32,
    /// Where the line `chunk[0]` is on started, in the file.
    chunk_line_start: u64,
    offset: u64,
}

const CHUNK: usize = 1 << 16;

impl<R: Read> Counting<R> {
    fn new(inner: R) -> Self {
        Counting {
            inner,
            chunk: vec![0; CHUNK],
            pos: 0,
            filled: 0,
            breaks: Vec::new(),
            passed: 0,
            chunk_offset: 0,
            chunk_line: 1,
            chunk_line_start: 0,
            offset: 0,
        }
    }

    fn here(&self) -> At {
        // `passed` is kept current by `consume`: the breaks before `pos`.
        let line = self.chunk_line + u32::try_from(self.passed).unwrap_or(u32::MAX);
        let line_start = match self.passed {
            0 => self.chunk_line_start,
            n => self.chunk_offset + self.breaks[n - 1] as u64 + 1,
        };
        At {
            line,
            column: u32::try_from(self.offset - line_start + 1).unwrap_or(u32::MAX),
        }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.pos == self.filled {
            // The next chunk: carry the line count over, then find its line breaks.
            let here = self.here();
            self.chunk_line = here.line;
            self.chunk_line_start = self.offset + 1 - u64::from(here.column);
            self.chunk_offset = self.offset;
            self.filled = loop {
                match self.inner.read(&mut self.chunk) {
                    Ok(n) => break n,
                    Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(error) => return Err(error),
                }
            };
            self.pos = 0;
            self.passed = 0;
            self.breaks.clear();
            let chunk = &self.chunk[..self.filled];
            self.breaks.extend(memchr::memchr_iter(b'\n', chunk));
        }
        Ok(&self.chunk[self.pos..self.filled])
    }

    fn consume(&mut self, amount: usize) {
        let amount = amount.min(self.filled - self.pos);
        self.pos += amount;
        self.offset += amount as u64;
        while self
            .breaks
            .get(self.passed)
            .is_some_and(|at| *at < self.pos)
        {
            self.passed += 1;
        }
    }
}
