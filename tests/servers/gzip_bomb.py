"""A gzip bomb for the test sites (web_site.py, crawl_site.py): 100 MiB of zeros, about 100 KB
compressed, which the fetcher must refuse once its decompressed-size limit is passed."""
import gzip
import io


def bomb_bytes():
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as z:
        chunk = b"\0" * (1 << 20)
        for _ in range(100):
            z.write(chunk)
    return buf.getvalue()
