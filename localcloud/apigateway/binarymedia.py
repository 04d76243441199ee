"""A REST API's binaryMediaTypes, as API Gateway applies them to a Lambda
proxy integration:

- the request: a body whose Content-Type matches reaches the function
  base64-encoded with isBase64Encoded true; otherwise it is text
  ([D] api-gateway-payload-encodings-workflow, the request table: binary data
  with a matching type stays binary, which a proxy event can only carry
  as base64; [D] lambda-proxy-binary-media);
- the response: isBase64Encoded true is decoded to bytes only when the
  request's first Accept media type matches ([D] api-gateway-payload-encodings:
  "API Gateway uses the first Accept header from clients to determine if a
  response should return binary media"; api-gateway-payload-encodings-workflow:
  "If a request contains multiple media types in its Accept header, API Gateway
  honors only the first Accept media type"); otherwise the base64 text goes
  out as it is (J5 [R]).
Wildcards: `*/*` covers every type, `image/*` every image type ([D]
api-gateway-payload-encodings: "*/* includes all content types"; the docs
advise `*/*` for browsers). LocalStack's AWS_PROXY code (integrations/aws.py,
helpers.mime_type_matches_binary_media_types) applies the same first-Accept
rule and `type/*`, but skips a `*/*` entry; the AWS docs are followed here.
Media types compare case-insensitively (RFC 6838), LocalStack's exactly."""

from __future__ import annotations

from collections.abc import Sequence


def first_media_type(header: str | None) -> str:
    """`image/png` from `image/png;q=0.9, */*`: the first type, no parameters, lowercased."""
    if not header:
        return ""
    return header.split(",", 1)[0].split(";", 1)[0].strip().lower()


def matches(header: str | None, binary_media_types: Sequence[str]) -> bool:
    """Does the header's (first) media type match one of the API's types?"""
    wanted = first_media_type(header)
    kind, slash, _ = wanted.partition("/")
    if not slash or not binary_media_types:
        return False  # no header, or not type/subtype: text
    for entry in binary_media_types:
        entry = entry.lower()
        if entry in ("*/*", wanted) or entry == f"{kind}/*":
            return True
    return False
