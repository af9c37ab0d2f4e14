"""Line image to text: codec, CNN-LSTM model, decoding, training and text metrics.

This package sees only line images and strings; it never imports ``layout``
or ``flows``.
"""
