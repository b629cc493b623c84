//! Output buffers that go round: text already written is handed back to be filled again.

/// Output text already written, to be filled again: a long run then keeps reusing the same
/// memory instead of asking the system for fresh pages for every block.
#[derive(Default)]
pub(crate) struct Buffers(std::sync::Mutex<Vec<String>>);

impl Buffers {
    pub(crate) fn take(&self, capacity: usize) -> String {
        let spare = self.0.lock().ok().and_then(|mut spares| spares.pop());
        let mut out = spare.unwrap_or_default();
        out.clear();
        out.reserve(capacity);
        out
    }

    pub(crate) fn give_back(&self, text: String) {
        if let Ok(mut spares) = self.0.lock()
            && spares.len() < 64
        {
            spares.push(text);
        }
    }
}
