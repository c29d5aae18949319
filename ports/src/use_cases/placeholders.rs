//! Placeholders for images stored before uploads computed them: the first time such an image is
//! read or listed, its blurhash is computed in the background and recorded, so the next answer
//! carries it. The request that noticed never waits for it.

use lightbox_domain::ids::ImageId;
use lightbox_domain::image::ImageRecord;
use lightbox_domain::image_format::inspect;

use crate::blob_store::BlobKey;
use crate::failure::BoxError;
use crate::use_cases::ImageService;

impl ImageService {
    /// Starts computing the blurhash of every image in `images` that has none. Each runs as its
    /// own task, waits for a pixel-work permit like any decode, and is skipped when another
    /// task is already on the same image.
    pub(crate) fn fill_missing_blurhashes<'a>(
        &self,
        images: impl IntoIterator<Item = &'a ImageRecord>,
    ) {
        for image in images.into_iter().filter(|image| image.blurhash.is_none()) {
            let service = self.clone();
            let id = image.id;
            tokio::spawn(async move {
                if let Err(error) = service.fill_blurhash(id).await {
                    tracing::warn!(%id, error = %error, "could not compute a missing blurhash");
                }
            });
        }
    }

    async fn fill_blurhash(&self, id: ImageId) -> Result<(), BoxError> {
        let lock = self.in_flight.lock_for(&format!("blurhash:{id}"));
        let Ok(_turn) = lock.try_lock() else {
            return Ok(());
        };
        let Some(image) = self.repository.get(&id).await? else {
            return Ok(());
        };
        if image.blurhash.is_some() {
            return Ok(());
        }
        let _permit = self.pixel_permit().await?;
        let bytes = self
            .read_whole(&BlobKey::original(&id), image.content.size_bytes)
            .await?;
        let info = inspect(&bytes, self.stored_image_limits())?;
        let analysis = self.processor.analyze(bytes, info).await?;
        self.repository
            .set_blurhash(&id, &analysis.blurhash)
            .await?;
        Ok(())
    }
}
