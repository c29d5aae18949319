//! Progress of a long pass on stderr: a bar (or a counter) on a terminal, and otherwise a plain
//! line every few seconds, so that logs of a cron job or CI show it is moving without a flood.

use std::io::IsTerminal;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Time between two plain lines when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// The progress of one pass.
pub(super) struct Progress {
    /// Which pass, to start each plain line.
    pass: &'static str,
    /// What is counted.
    unit: &'static str,
    display: Display,
}

enum Display {
    /// A terminal: indicatif draws and redraws in place.
    Terminal(ProgressBar),
    /// Anything else: a line now and then.
    Plain {
        started: Instant,
        last_line: Mutex<Instant>,
    },
}

impl Progress {
    /// Progress through a known number of steps.
    pub(super) fn steps(pass: &'static str, unit: &'static str) -> Self {
        Self::new(pass, unit, || {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix} [{bar:30}] {pos}/{len} fan-out directories, {msg} ({elapsed}, eta {eta})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        })
    }

    /// Progress as a growing count.
    pub(super) fn count(pass: &'static str, unit: &'static str) -> Self {
        Self::new(pass, unit, || {
            let spinner = ProgressBar::new_spinner();
            spinner.set_style(
                ProgressStyle::with_template(
                    "{prefix} {spinner} {pos} {msg} ({per_sec}, {elapsed})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            spinner
        })
    }

    /// Progress through a known number of items, with their rate and the time left.
    pub(super) fn transfer(pass: &'static str, unit: &'static str) -> Self {
        Self::new(pass, unit, || {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix} [{bar:30}] {pos}/{len} {msg} ({per_sec}, {elapsed}, eta {eta})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        })
    }

    fn new(pass: &'static str, unit: &'static str, bar: impl FnOnce() -> ProgressBar) -> Self {
        let display = if std::io::stderr().is_terminal() {
            let bar = bar();
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.set_prefix(pass);
            Display::Terminal(bar)
        } else {
            let now = Instant::now();
            Display::Plain {
                started: now,
                last_line: Mutex::new(now),
            }
        };
        Self {
            pass,
            unit,
            display,
        }
    }

    /// `done` of `total` steps, with `items` of the unit seen so far.
    pub(super) fn step(&self, done: u64, total: u64, items: u64) {
        let Self { pass, unit, .. } = self;
        match &self.display {
            Display::Terminal(bar) => {
                bar.set_length(total);
                bar.set_position(done);
                bar.set_message(format!("{items} {unit}"));
            }
            Display::Plain { .. } => self.plain_line(|elapsed| {
                format!("{pass}: {done}/{total} fan-out directories, {items} {unit} ({elapsed} s)")
            }),
        }
    }

    /// `items` of the unit done so far, having read `bytes`.
    pub(super) fn count_to(&self, items: u64, bytes: u64) {
        let Self { pass, unit, .. } = self;
        match &self.display {
            Display::Terminal(bar) => {
                bar.set_position(items);
                bar.set_message(format!("{unit}, {} read", HumanBytes(bytes)));
            }
            Display::Plain { .. } => self.plain_line(|elapsed| {
                format!(
                    "{pass}: {items} {unit}, {} read ({elapsed} s)",
                    HumanBytes(bytes)
                )
            }),
        }
    }

    /// `done` of `total` items, with `detail` (what became of them) after the count. On a plain
    /// stream the first and the last call always print, so that even a short run shows one.
    pub(super) fn transfer_to(&self, done: u64, total: u64, detail: &str) {
        let Self { pass, unit, .. } = self;
        match &self.display {
            Display::Terminal(bar) => {
                bar.set_length(total.max(done));
                bar.set_position(done);
                bar.set_message(format!("{unit}, {detail}"));
            }
            Display::Plain { started, .. } => {
                let elapsed = started.elapsed().as_secs_f64();
                let line = move |seconds: u64| {
                    let rate = if elapsed > 0.0 {
                        done as f64 / elapsed
                    } else {
                        0.0
                    };
                    let eta = if rate > 0.0 {
                        format!("{:.0} s", total.saturating_sub(done) as f64 / rate)
                    } else {
                        "unknown".to_owned()
                    };
                    let percent = (done * 100).checked_div(total).unwrap_or(100);
                    format!(
                        "{pass}: {done}/{total} {unit} ({percent} %), {detail}; {rate:.1} {unit}/s, \
                         eta {eta} ({seconds} s)"
                    )
                };
                if done == 0 || done >= total {
                    self.plain_line_now(line);
                } else {
                    self.plain_line(line);
                }
            }
        }
    }

    /// Clears the bar; the caller prints the summary.
    pub(super) fn finish(&self) {
        if let Display::Terminal(bar) = &self.display {
            bar.finish_and_clear();
        }
    }

    /// Prints a line made by `line(elapsed seconds)` whatever the time of the last one.
    fn plain_line_now(&self, line: impl FnOnce(u64) -> String) {
        let Display::Plain { started, last_line } = &self.display else {
            return;
        };
        *last_line.lock().unwrap_or_else(PoisonError::into_inner) = Instant::now();
        eprintln!("{}", line(started.elapsed().as_secs()));
    }

    /// Prints a line made by `line(elapsed seconds)` when the last one is old enough.
    fn plain_line(&self, line: impl FnOnce(u64) -> String) {
        let Display::Plain { started, last_line } = &self.display else {
            return;
        };
        let mut last = last_line.lock().unwrap_or_else(PoisonError::into_inner);
        if last.elapsed() >= PLAIN_EVERY {
            *last = Instant::now();
            eprintln!("{}", line(started.elapsed().as_secs()));
        }
    }
}
