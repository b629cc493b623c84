//! Output buffers that go round: text already written is handed back to be filled again.

/// Output text already written, to be filled again: a long run then keeps reusing the same
/// memory instead of asking the system for fresh pages for every block.
#[derive(Default)]
pub(crate) struct Buffers(std::sync::Mutex<Vec<String>>);

/// Spares kept: more than the parts that can be waiting at once (two blocks in flight, two
/// queued for the writer and one being written, of sixteen parts each), so that in a long run
/// no buffer is freed only for a new one to be made.
const MAX_SPARES: usize = 96;

/// New buffers are made a little larger than asked, in steps of this: the stretches of a run
/// are all about the same size, so one made for a stretch is then large enough for the next.
const ROUND_UP: usize = 64 << 10;

impl Buffers {
    pub(crate) fn take(&self, capacity: usize) -> String {
        let spare = self.0.lock().ok().and_then(|mut spares| spares.pop());
        match spare {
            Some(mut out) if out.capacity() >= capacity => {
                out.clear();
                out
            }
            // Growing a spare that is too small would copy all its old memory (the allocator
            // does not know that none of it is wanted): a new one costs less.
            _ => String::with_capacity(capacity.next_multiple_of(ROUND_UP)),
        }
    }

    pub(crate) fn give_back(&self, text: String) {
        if let Ok(mut spares) = self.0.lock()
            && spares.len() < MAX_SPARES
        {
            spares.push(text);
        }
    }
}
