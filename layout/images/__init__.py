"""Page images in, clean page images out: loading, binarization, deskew, orientation."""
