# Stand-in for python:3.11-slim-bookworm (deploy/local-images.sh): Debian's Python 3.11
# in a venv first on PATH, with the CA certificates found beside this file.
FROM archive-ocr-local/debian:bookworm
COPY . /tmp/context/
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3.11 python3.11-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && (cp /tmp/context/*.crt /usr/local/share/ca-certificates/ 2>/dev/null || true) \
 && rm -rf /tmp/context && update-ca-certificates \
 && python3.11 -m venv /opt/python
ENV PATH=/opt/python/bin:$PATH PIP_CERT=/etc/ssl/certs/ca-certificates.crt
