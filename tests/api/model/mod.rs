//! Model-based property test: random sequences of uploads, updates, deletes and listings run
//! against the service and against a plain in-memory model; every cursor walk must equal the
//! model's answer, in order.

mod ops;
mod runner;
mod state;

use proptest::collection::vec;
use proptest::prelude::*;

proptest! {
    // A fresh app per case and real HTTP make cases slow: few cases (about 0.2 s each), bounded
    // shrinking.
    #![proptest_config(ProptestConfig {
        cases: 24,
        max_shrink_iters: 48,
        ..ProptestConfig::default()
    })]

    #[test]
    fn listings_match_an_in_memory_model(ops in vec(ops::op(), 1..=25)) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime per case");
        runtime.block_on(runner::run(ops))?;
    }
}
