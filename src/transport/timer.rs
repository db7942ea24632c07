//! Time and cancellation on the host's event loop: `setTimeout` sleeps that clear themselves
//! when dropped, `AbortSignal` watches that remove their listener when dropped, and a race of
//! two futures. The same code runs in browsers, Node and workerd (all have `setTimeout`).
use js_sys::{Function, Promise, Reflect};
use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::{Context, Poll};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

fn global_fn(name: &str) -> Option<Function> {
    Reflect::get(&js_sys::global(), &JsValue::from_str(name)).ok()?.dyn_into().ok()
}

/// The current Unix time in milliseconds.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// A number in `[0, 1)` for backoff jitter.
pub fn random() -> f64 {
    js_sys::Math::random()
}

/// Resolves after a delay; dropping it clears the timer.
///
/// A `JsFuture` whose promise never settles leaks (its callbacks and state keep each other
/// alive), so dropping a `Sleep` or an [`AbortWatch`] also settles its promise.
#[derive(Debug)]
pub struct Sleep {
    id: JsValue,
    resolve: Option<Function>,
    done: JsFuture,
}

impl Sleep {
    /// A sleep of `ms` milliseconds (clamped to what `setTimeout` accepts).
    pub fn new(ms: u64) -> Self {
        let ms = ms.min(i32::MAX as u64) as f64;
        let mut id = JsValue::UNDEFINED;
        let mut settle = None;
        let promise = Promise::new(&mut |resolve, _| {
            if let Some(set_timeout) = global_fn("setTimeout") {
                id = set_timeout.call2(&JsValue::UNDEFINED, &resolve, &JsValue::from_f64(ms)).unwrap_or_default();
            }
            settle = Some(resolve);
        });
        Sleep { id, resolve: settle, done: JsFuture::from(promise) }
    }
}

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.done).poll(cx).map(|_| ())
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some(clear) = global_fn("clearTimeout") {
            let _ = clear.call1(&JsValue::UNDEFINED, &self.id);
        }
        if let Some(resolve) = self.resolve.take() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }
}

/// Resolves when a signal aborts; dropping it removes its listener, so a long-lived signal
/// collects no listeners from finished requests.
#[derive(Debug)]
pub struct AbortWatch {
    signal: AbortSignal,
    /// The promise's resolve function, registered as the abort listener.
    listener: Option<Function>,
    fired: JsFuture,
}

impl AbortWatch {
    /// Watches `signal`.
    pub fn new(signal: &AbortSignal) -> Self {
        let mut listener = None;
        let promise = Promise::new(&mut |resolve, _| {
            if signal.aborted() {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            } else if signal.add_event_listener_with_callback("abort", &resolve).is_ok() {
                listener = Some(resolve);
            }
        });
        AbortWatch { signal: signal.clone(), listener, fired: JsFuture::from(promise) }
    }
}

impl Future for AbortWatch {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.fired).poll(cx).map(|_| ())
    }
}

impl Drop for AbortWatch {
    fn drop(&mut self) {
        if let Some(listener) = self.listener.take() {
            let _ = self.signal.remove_event_listener_with_callback("abort", &listener);
            let _ = listener.call0(&JsValue::UNDEFINED);
        }
    }
}

/// Which of two raced futures finished first.
#[derive(Debug)]
pub enum Either<A, B> {
    Left(A),
    Right(B),
}

/// Polls both futures and returns the first output; the other future is dropped.
pub async fn race<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let mut a = pin!(a);
    let mut b = pin!(b);
    poll_fn(|cx| {
        if let Poll::Ready(x) = a.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(x));
        }
        if let Poll::Ready(y) = b.as_mut().poll(cx) {
            return Poll::Ready(Either::Right(y));
        }
        Poll::Pending
    })
    .await
}

/// An `AbortController` for one request, aborted when the caller's signal aborts. Dropping the
/// link removes the listener from the caller's signal.
pub struct LinkedAbort {
    controller: AbortController,
    parent: Option<(AbortSignal, Closure<dyn FnMut()>)>,
}

impl std::fmt::Debug for LinkedAbort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkedAbort").field("aborted", &self.signal().aborted()).finish()
    }
}

impl LinkedAbort {
    /// A controller following `parent` (if any). `None` when no `AbortController` exists here.
    pub fn new(parent: Option<&AbortSignal>) -> Option<Self> {
        let controller = AbortController::new().ok()?;
        let parent = parent.map(|signal| {
            let child = controller.clone();
            let on_abort = Closure::<dyn FnMut()>::new(move || child.abort());
            if signal.aborted() {
                controller.abort();
            } else {
                let _ = signal.add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
            }
            (signal.clone(), on_abort)
        });
        Some(LinkedAbort { controller, parent })
    }

    /// The signal to hand to `fetch`.
    pub fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }

    /// Aborts the request (a timeout fired).
    pub fn abort(&self) {
        self.controller.abort();
    }

    /// Whether the caller's own signal aborted.
    pub fn caller_aborted(&self) -> bool {
        self.parent.as_ref().is_some_and(|(s, _)| s.aborted())
    }
}

impl Drop for LinkedAbort {
    fn drop(&mut self) {
        if let Some((signal, on_abort)) = self.parent.take() {
            let _ = signal.remove_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
        }
    }
}
