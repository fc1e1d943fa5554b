//! A panic in a problem or a method — a bug — turned into a message, so the
//! solver thread, the landscape thread and the app's own evaluations go on.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `f`; a panic inside it becomes its message.
///
/// Unwind safety is asserted: every caller drops or marks as failed whatever
/// `f` was changing when it panicked (a run is ended, a landscape request
/// gets no answer, a displayed value is skipped).
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| panic_text(payload.as_ref()))
}

/// The message a panic was raised with, when it is text.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message_and_a_value_passes_through() {
        assert_eq!(catch(|| 3), Ok(3));
        assert_eq!(
            catch(|| -> i32 { panic!("static text") }),
            Err("static text".into())
        );
        let n = 7;
        assert_eq!(
            catch(|| -> i32 { panic!("formatted {n}") }),
            Err("formatted 7".into())
        );
        assert_eq!(
            catch(|| -> i32 { std::panic::panic_any(42_u8) }),
            Err("a panic without a message".into())
        );
    }
}
