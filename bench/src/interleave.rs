//! Measuring servers against each other in turns. The machine is shared with other work, and its
//! speed drifts within a run: nginx once served 19,906 downloads/s and, an hour later on the same
//! files, 13,759/s. Measured one after the other, each contender would get a different machine;
//! measured in interleaved turns (A B C, A B C, A B C), each gets a share of every phase, so the
//! ratios between them hold even when the absolute rates move.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow};
use tokio::runtime::Runtime;

use crate::load::{self, Exchange, Load, Measurement};

/// Turns each contender gets.
pub const ROUNDS: u32 = 3;

/// Something to measure: a server under a load generator's requests, or a baseline program.
pub struct Contender<'a> {
    /// Its name in the progress lines.
    pub name: &'static str,
    /// Measures one turn under the given load; the second argument numbers the turn from 1.
    pub turn: Box<dyn FnMut(Load, u32) -> Result<Measurement> + 'a>,
}

impl<'a> Contender<'a> {
    /// A server at `target`, sent `exchange`'s requests by the load generator on `runtime`.
    pub fn server(
        name: &'static str,
        runtime: &'a Runtime,
        target: SocketAddr,
        exchange: Arc<dyn Exchange>,
    ) -> Self {
        Self {
            name,
            turn: Box::new(move |load, _| {
                runtime.block_on(load::run(target, Arc::clone(&exchange), load))
            }),
        }
    }
}

/// A contender's turns: all of them merged, and the rate of each.
#[derive(Debug)]
pub struct Turns {
    /// Every measured request of every turn; `elapsed` is the sum of the turns' times.
    pub total: Measurement,
    /// Requests per second in each turn, in order.
    pub rates: Vec<f64>,
}

impl Turns {
    /// The lowest and highest ratio, in percent, of this contender's rate to `other`'s over the
    /// rounds they shared.
    pub fn percent_range(&self, other: &Self) -> (f64, f64) {
        self.rates
            .iter()
            .zip(&other.rates)
            .map(|(mine, theirs)| 100.0 * mine / theirs.max(1e-9))
            .fold(
                (f64::INFINITY, f64::NEG_INFINITY),
                |(low, high), percent| (low.min(percent), high.max(percent)),
            )
    }
}

/// Measures every contender under `load` in [`ROUNDS`] interleaved turns, each turn with the
/// whole warm-up and a `1 / ROUNDS` share of the duration and of the request bound. The turns
/// come back in the contenders' order.
pub fn measure<const N: usize>(
    mut contenders: [Contender<'_>; N],
    load: Load,
) -> Result<[Turns; N]> {
    let turn = Load {
        duration: load.duration / ROUNDS,
        max_requests: load.max_requests.div_ceil(u64::from(ROUNDS)),
        ..load
    };
    let mut all = contenders
        .iter()
        .map(|_| {
            Ok(Turns {
                total: Measurement::empty()?,
                rates: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    for round in 1..=ROUNDS {
        for (contender, turns) in contenders.iter_mut().zip(&mut all) {
            eprintln!(
                "lightbox-bench: {} ({} connections), turn {round} of {ROUNDS}",
                contender.name, load.connections
            );
            let measured = (contender.turn)(turn, round)
                .with_context(|| format!("measuring {}", contender.name))?;
            turns.rates.push(measured.rate());
            turns.total.merge(&measured)?;
            turns.total.elapsed += measured.elapsed;
        }
    }
    all.try_into()
        .map_err(|_| anyhow!("{N} contenders measured, a different number of results"))
}

/// `"57 % (turns 52-61 %)"`: a ratio and its spread over the rounds.
pub fn percent_with_range(percent: f64, (low, high): (f64, f64)) -> String {
    if high - low < 0.5 {
        format!("{percent:.0} %")
    } else {
        format!("{percent:.0} % (turns {low:.0}-{high:.0} %)")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn turns(rates: &[f64]) -> Turns {
        Turns {
            total: Measurement::empty().unwrap(),
            rates: rates.to_vec(),
        }
    }

    #[test]
    fn the_range_spans_the_rounds_ratios() {
        let lightbox = turns(&[50.0, 60.0, 40.0]);
        let nginx = turns(&[100.0, 100.0, 100.0]);
        assert_eq!(lightbox.percent_range(&nginx), (40.0, 60.0));
        assert_eq!(
            percent_with_range(50.0, (40.0, 60.0)),
            "50 % (turns 40-60 %)"
        );
        assert_eq!(percent_with_range(50.0, (50.0, 50.2)), "50 %");
    }
}
