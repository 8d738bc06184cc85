"""The stage watermark pictures: one per draft stage, page-sized, faint, up to date."""

import shutil

import pytest
from PIL import Image

from drafting.export.meta import Stage
from drafting.export.watermark import PAGE_PX, WATERMARK_DIR, watermark_image


@pytest.mark.parametrize("stage", [s for s in Stage if s.is_draft])
def test_every_draft_stage_has_a_faint_page_sized_picture(stage):
    with Image.open(WATERMARK_DIR / f"{stage.value}.png") as image:
        assert image.size == PAGE_PX and image.mode == "LA"
        alpha = image.getchannel("A")
        low, high = alpha.getextrema()
        assert low == 0 and 10 <= high <= 25  # about 7 % black at most
        assert alpha.getbbox() is not None  # something is drawn


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig not installed")
def test_committed_pictures_match_the_stage_labels():
    stage = Stage.DRAFT_FOR_COMMENTS
    with Image.open(WATERMARK_DIR / f"{stage.value}.png") as committed:
        assert committed.tobytes() == watermark_image(stage.label).tobytes()
