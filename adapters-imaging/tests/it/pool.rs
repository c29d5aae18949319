//! The worker pool: a burst of decodes queues behind the configured number of workers.

use std::sync::Arc;

use image::DynamicImage;
use lightbox_adapters_imaging::ImagingProcessor;
use lightbox_domain::image_format::ImageFormat;
use lightbox_domain::limits::UploadLimits;
use lightbox_ports::ImageProcessor;

use crate::fixtures::{gradient, info, png_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_8_analyses_runs_at_most_2_at_once() {
    let processor = Arc::new(ImagingProcessor::new(UploadLimits::default(), 2));
    // Big enough that each decode takes a while and the analyses overlap.
    let png = bytes::Bytes::from(png_of(&DynamicImage::ImageRgb8(gradient(800, 600))));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let processor = Arc::clone(&processor);
            let png = png.clone();
            tokio::spawn(async move {
                processor
                    .analyze(png, info(ImageFormat::Png, 800, 600))
                    .await
            })
        })
        .collect();
    let mut hashes = Vec::new();
    for task in tasks {
        hashes.push(task.await.unwrap().unwrap().blurhash);
    }
    assert!(hashes.windows(2).all(|pair| pair[0] == pair[1]));
    let stats = processor.pool_stats();
    assert_eq!(stats.running, 0);
    assert_eq!(
        stats.most_running, 2,
        "the burst used both workers, never more"
    );
}

#[test]
fn the_default_pool_has_a_worker_per_cpu() {
    let workers = ImagingProcessor::workers_for_this_machine();
    assert!(workers >= 1);
    let processor = ImagingProcessor::new(UploadLimits::default(), workers);
    assert_eq!(processor.workers(), workers);
    assert_eq!(
        ImagingProcessor::new(UploadLimits::default(), 0).workers(),
        1
    );
}
