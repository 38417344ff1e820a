#!/usr/bin/env python3
"""Writes the SigV4 test vectors that SecureLambda.Aws.Tests checks our signer against.

Each vector is signed by botocore's own ``botocore.auth.SigV4Auth`` with fixed credentials and a frozen
clock, and the SNS body is produced by botocore's own Query serializer, so the C# tests compare our
canonical request, string to sign, Authorization header and form encoding with botocore's.

Regenerate (from the repository root; needs botocore, installed with the AWS CLI or ``pip install botocore``):

    python3 scripts/sigv4-vectors.py > SecureLambda.Aws.Tests/Signing/botocore-sigv4-vectors.json

The output is deterministic: running it twice with the same botocore gives the same file.
"""

import datetime
import json
import sys
from unittest import mock

import botocore
import botocore.auth
import botocore.credentials
import botocore.serialize
import botocore.session
from botocore.awsrequest import AWSRequest
from botocore.utils import percent_encode_sequence

FROZEN_NOW = datetime.datetime(2025, 11, 25, 8, 51, 30)
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//session+token/with=chars"


class RecordingSigV4Auth(botocore.auth.SigV4Auth):
    """botocore's signer, unchanged, except that it keeps the intermediate strings it computes."""

    def canonical_request(self, request):
        self.last_canonical_request = super().canonical_request(request)
        return self.last_canonical_request

    def string_to_sign(self, request, canonical_request):
        self.last_string_to_sign = super().string_to_sign(request, canonical_request)
        return self.last_string_to_sign


def sign(name, method, url, headers, body, service, region, token=None, form=None):
    credentials = botocore.credentials.Credentials(ACCESS_KEY, SECRET_KEY, token)
    auth = RecordingSigV4Auth(credentials, service, region)
    request = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
    with mock.patch("botocore.auth.get_current_datetime", return_value=FROZEN_NOW):
        auth.add_auth(request)
    body_bytes = request.body or b""
    vector = {
        "name": name,
        "method": method,
        "url": url,
        "headers": [[k, v] for k, v in headers],
        "body": body_bytes.decode("utf-8"),
        "service": service,
        "region": region,
        "accessKeyId": ACCESS_KEY,
        "secretAccessKey": SECRET_KEY,
        "sessionToken": token,
        "timestamp": FROZEN_NOW.replace(tzinfo=datetime.timezone.utc).isoformat().replace("+00:00", "Z"),
        "expected": {
            "canonicalRequest": auth.last_canonical_request,
            "stringToSign": auth.last_string_to_sign,
            "authorization": request.headers["Authorization"],
            "xAmzDate": request.headers["X-Amz-Date"],
            "xAmzSecurityToken": request.headers.get("X-Amz-Security-Token"),
        },
    }
    if form is not None:
        vector["snsPublish"] = form
    return vector


def sns_publish_body(params):
    """The body exactly as botocore sends it: its Query serializer, then AWSRequest's form encoding."""
    model = botocore.session.get_session().get_service_model("sns").operation_model("Publish")
    serialized = botocore.serialize.create_serializer("query").serialize_to_request(params, model)
    return serialized["body"], serialized["headers"]


def main():
    vectors = []

    vectors.append(sign(
        "secretsmanager-json11-get-secret-value",
        "POST", "https://secretsmanager.eu-west-1.amazonaws.com/",
        [("Content-Type", "application/x-amz-json-1.1"),
         ("X-Amz-Target", "secretsmanager.GetSecretValue"),
         ("User-Agent", "SecureLambda/1.0"),
         ("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793")],
        json.dumps({"SecretId": "LambdaSNSTopicARN"}).encode("utf-8"),
        "secretsmanager", "eu-west-1"))

    vectors.append(sign(
        "secretsmanager-json11-session-token",
        "POST", "https://secretsmanager.us-east-1.amazonaws.com/",
        [("Content-Type", "application/x-amz-json-1.1"),
         ("X-Amz-Target", "secretsmanager.GetSecretValue")],
        json.dumps({"SecretId": "arn:aws:secretsmanager:us-east-1:123456789012:secret:LambdaSNSTopicARN-AbCdEf"}).encode("utf-8"),
        "secretsmanager", "us-east-1", token=SESSION_TOKEN))

    publish = {
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:greetings",
        "Message": "Hello Ada Lovelace & Zoë: 1+1=2 ✓ /~*'()",
        "Subject": "a b&c=d+e",
        "MessageAttributes": {
            "greeter": {"DataType": "String", "StringValue": "ExternalLambda1"},
            "traceparent": {"DataType": "String", "StringValue": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
        },
    }
    body, headers = sns_publish_body(publish)
    form = {
        "topicArn": publish["TopicArn"],
        "message": publish["Message"],
        "subject": publish["Subject"],
        "stringAttributes": [[k, v["StringValue"]] for k, v in publish["MessageAttributes"].items()],
    }
    vectors.append(sign(
        "sns-query-publish-form-encoding",
        "POST", "https://sns.us-east-1.amazonaws.com/",
        list(headers.items()), body, "sns", "us-east-1", form=form))

    vectors.append(sign(
        "sns-query-publish-non-default-port-with-session-token",
        "POST", "http://127.0.0.1:4566/",
        list(headers.items()), body, "sns", "us-east-1", token=SESSION_TOKEN, form=form))

    query = percent_encode_sequence([
        ("Version", "2012-11-05"),
        ("b", "2"),
        ("Action", "ReceiveMessage"),
        ("a", "z"),
        ("a", "b c"),
        ("a", "!*'();:@&=+$,/?#[]"),
        ("MessageAttributeName.1", "traceparent"),
        ("empty", ""),
        ("ünïcode", "✓~"),
    ])
    vectors.append(sign(
        "sqs-get-query-string-repeated-unsorted-reserved",
        "GET", "https://sqs.eu-central-1.amazonaws.com/123456789012/greetings-queue?" + query,
        [("X-Amz-Meta-Note", "  spaced    out  value ")],
        None, "sqs", "eu-central-1"))

    vectors.append(sign(
        "cognito-idp-json11-explicit-default-https-port",
        "POST", "https://cognito-idp.us-west-2.amazonaws.com:443/",
        [("Content-Type", "application/x-amz-json-1.1"),
         ("X-Amz-Target", "AWSCognitoIdentityProviderService.ListUserPools")],
        json.dumps({"MaxResults": 10}).encode("utf-8"),
        "cognito-idp", "us-west-2"))

    # A REST-JSON GET whose path carries an ARN: botocore's serializer sends ':' as %3A, and the canonical URI encodes
    # the path once more (%253A), as SigV4 requires for every service but S3.
    vectors.append(sign(
        "lambda-restjson-get-arn-in-path",
        "GET", "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/"
        "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Asecure-lambda-ExternalLambda1/configuration",
        [], None, "lambda", "us-east-1"))

    json.dump({"botocore": botocore.__version__, "vectors": vectors}, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
