"""``archive-ocr run``: a batch over object storage, accounted for page by page."""
