"""Lambda function URLs (reference aws-behaviour-2, section I): the
control-plane calls (urlconfig.py), who may call a URL (access.py), the
event and response mapping (mapping.py), and the data-plane endpoint that
serves `{url-id}.lambda-url.{region}.localhost:PORT` and
`/_aws/lambda-url/{url-id}/` (service.py)."""
