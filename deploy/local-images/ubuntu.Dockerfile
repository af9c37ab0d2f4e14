# Stand-in for nvidia/cuda:…-ubuntu24.04 (deploy/local-images.sh): Ubuntu 24.04 without
# CUDA's own libraries (torch's wheels from PyPI bring theirs; a GPU needs only the host's
# driver), with the CA certificates found beside this file.
FROM archive-ocr-local/ubuntu-base:noble
COPY . /tmp/context/
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && (cp /tmp/context/*.crt /usr/local/share/ca-certificates/ 2>/dev/null || true) \
 && rm -rf /tmp/context && update-ca-certificates
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt
