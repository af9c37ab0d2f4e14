"""The trained line detector: a small fully convolutional network over a downscaled page.

It labels baseline pixels and text-line pixels (:mod:`layout.detector.network`);
:mod:`layout.detector.vectorise` turns the maps into baselines and polygons
without ever dropping a detected line; :mod:`layout.detector.detect` builds
regions and reading order; :mod:`layout.detector.training` trains it on
ground-truth pages (:mod:`layout.detector.targets` draws what it should see).
"""
