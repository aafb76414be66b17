/* check_aws_protocol.c: the standard retry mode's arithmetic (token bucket,
 * full-jitter backoff, what may be retried), the AWS error shapes of each
 * protocol (JSON, query, EC2, S3 XML) and form encoding. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "aws/protocol.h"
#include "aws/retry.h"

/* ---- retry quota ---------------------------------------------------------- */

START_TEST(quota_costs_and_refunds)
{
	struct gcr_retry_quota q;

	gcr_retry_quota_init(&q, 0);
	ck_assert_int_eq(q.available, 500);
	ck_assert_int_eq(gcr_retry_quota_acquire(&q, 0), 5);
	ck_assert_int_eq(q.available, 495);
	ck_assert_int_eq(gcr_retry_quota_acquire(&q, 1), 10);
	ck_assert_int_eq(q.available, 485);
	/* success after a retry returns that retry's cost */
	gcr_retry_quota_success(&q, 10);
	ck_assert_int_eq(q.available, 495);
	/* success without retry returns 1, never above capacity */
	gcr_retry_quota_success(&q, 0);
	ck_assert_int_eq(q.available, 496);
	for (int i = 0; i < 10; i++)
		gcr_retry_quota_success(&q, 0);
	ck_assert_int_eq(q.available, 500);
}
END_TEST

START_TEST(quota_runs_dry)
{
	struct gcr_retry_quota q;
	int retries = 0;

	gcr_retry_quota_init(&q, 500);
	while (gcr_retry_quota_acquire(&q, 0))
		retries++;
	ck_assert_int_eq(retries, 100);
	ck_assert_int_eq(q.available, 0);
	gcr_retry_quota_init(&q, 500);
	q.available = 9;
	ck_assert_int_eq(gcr_retry_quota_acquire(&q, 1), 0);  /* a timeout retry needs 10 */
	ck_assert_int_eq(q.available, 9);
	ck_assert_int_eq(gcr_retry_quota_acquire(&q, 0), 5);
	ck_assert_int_eq(q.available, 4);
}
END_TEST

/* ---- backoff ----------------------------------------------------------------- */

START_TEST(backoff_full_jitter_capped)
{
	/* random 0.5: half of 1, 2, 4, 8, 16, then the 20 s cap */
	const uint64_t want[] = { 500, 1000, 2000, 4000, 8000, 10000, 10000 };

	for (int n = 1; n <= 7; n++)
		ck_assert_uint_eq(gcr_retry_backoff_ms(n, 0.5, 20000), want[n - 1]);
	ck_assert_uint_eq(gcr_retry_backoff_ms(1, 0.0, 20000), 0);
	ck_assert_uint_lt(gcr_retry_backoff_ms(30, 0.9999999, 20000), 20000);
	ck_assert_uint_ge(gcr_retry_backoff_ms(30, 0.9999999, 20000), 19999);
	/* out-of-range randomness is clamped, never negative or above the cap */
	ck_assert_uint_eq(gcr_retry_backoff_ms(2, -3.0, 20000), 0);
	ck_assert_uint_lt(gcr_retry_backoff_ms(2, 7.0, 20000), 2000);
}
END_TEST

/* ---- classification ------------------------------------------------------------ */

START_TEST(classify_outcomes)
{
	ck_assert_int_eq(gcr_retry_classify(GCR_HTTP_OK, 200, NULL), GCR_RETRY_KIND_NONE);
	ck_assert_int_eq(gcr_retry_classify(GCR_HTTP_OK, 429, "TooManyRequestsException"),
			 GCR_RETRY_KIND_THROTTLING);
	ck_assert_int_eq(gcr_retry_classify(GCR_HTTP_OK, 400, "ThrottlingException"),
			 GCR_RETRY_KIND_THROTTLING);
	ck_assert_int_eq(gcr_retry_classify(GCR_HTTP_OK, 400,
					    "ProvisionedThroughputExceededException"),
			 GCR_RETRY_KIND_THROTTLING);
	ck_assert_int_eq(gcr_retry_classify(GCR_HTTP_OK, 503, "SlowDown"),
			 GCR_RETRY_KIND_THROTTLING);
	ck_assert_int_eq(gcr_retry_classify(GCR_HTTP_OK, 500, "ServerException"),
			 GCR_RETRY_KIND_TRANSIENT);
	ck_assert_int_eq(gcr_retry_classify(GCR_HTTP_OK, 504, ""), GCR_RETRY_KIND_TRANSIENT);
	ck_assert_int_eq(gcr_retry_classify(GCR_HTTP_OK, 400, "RequestTimeout"),
			 GCR_RETRY_KIND_TRANSIENT);
	ck_assert_int_eq(gcr_retry_classify(GCR_HTTP_OK, 400, "ClientException"),
			 GCR_RETRY_KIND_FATAL);
	ck_assert_int_eq(gcr_retry_classify(GCR_HTTP_OK, 403, "AccessDenied"),
			 GCR_RETRY_KIND_FATAL);
	ck_assert_int_eq(gcr_retry_classify(GCR_HTTP_NOT_SENT, 0, NULL),
			 GCR_RETRY_KIND_CONNECTION);
	ck_assert_int_eq(gcr_retry_classify(GCR_HTTP_TIMEOUT, 0, NULL), GCR_RETRY_KIND_TIMEOUT);
	ck_assert_int_eq(gcr_retry_classify(GCR_HTTP_DROPPED, 0, NULL), GCR_RETRY_KIND_DROPPED);
	ck_assert_int_eq(gcr_retry_classify(GCR_HTTP_TRUNCATED, 0, NULL), GCR_RETRY_KIND_DROPPED);
	ck_assert_int_eq(gcr_retry_classify(GCR_HTTP_TLS, 0, NULL), GCR_RETRY_KIND_FATAL);
	ck_assert_int_eq(gcr_retry_classify(GCR_HTTP_CANCELLED, 0, NULL), GCR_RETRY_KIND_FATAL);
}
END_TEST

/* ---- decisions ---------------------------------------------------------------- */

START_TEST(decide_retries_then_stops_at_three_attempts)
{
	struct gcr_retry_policy p = { 0 };
	struct gcr_retry_quota q;
	struct gcr_retry_decision d;

	gcr_retry_quota_init(&q, 500);
	d = gcr_retry_decide(&p, &q, 1, GCR_RETRY_KIND_THROTTLING, 1, UINT64_MAX, 0.25);
	ck_assert_int_eq(d.verdict, GCR_RETRY_YES);
	ck_assert_uint_eq(d.delay_ms, 250);
	ck_assert_int_eq(d.cost, 5);
	d = gcr_retry_decide(&p, &q, 2, GCR_RETRY_KIND_TRANSIENT, 1, UINT64_MAX, 0.25);
	ck_assert_int_eq(d.verdict, GCR_RETRY_YES);
	ck_assert_uint_eq(d.delay_ms, 500);
	d = gcr_retry_decide(&p, &q, 3, GCR_RETRY_KIND_TRANSIENT, 1, UINT64_MAX, 0.25);
	ck_assert_int_eq(d.verdict, GCR_RETRY_NO_ATTEMPTS);
	ck_assert_int_eq(q.available, 490);
	d = gcr_retry_decide(&p, &q, 1, GCR_RETRY_KIND_FATAL, 1, UINT64_MAX, 0.25);
	ck_assert_int_eq(d.verdict, GCR_RETRY_NO_NOT_RETRYABLE);
	ck_assert_int_eq(q.available, 490);
	/* a policy from AWS_MAX_ATTEMPTS=5 allows more */
	p.max_attempts = 5;
	d = gcr_retry_decide(&p, &q, 4, GCR_RETRY_KIND_TRANSIENT, 1, UINT64_MAX, 0.5);
	ck_assert_int_eq(d.verdict, GCR_RETRY_YES);
	ck_assert_uint_eq(d.delay_ms, 4000);
}
END_TEST

START_TEST(decide_never_repeats_unsafe_calls)
{
	struct gcr_retry_quota q;
	struct gcr_retry_decision d;

	gcr_retry_quota_init(&q, 500);
	/* SubmitJob (not idempotent) after a timeout or a dropped connection */
	d = gcr_retry_decide(NULL, &q, 1, GCR_RETRY_KIND_TIMEOUT, 0, UINT64_MAX, 0.5);
	ck_assert_int_eq(d.verdict, GCR_RETRY_NO_UNSAFE);
	d = gcr_retry_decide(NULL, &q, 1, GCR_RETRY_KIND_DROPPED, 0, UINT64_MAX, 0.5);
	ck_assert_int_eq(d.verdict, GCR_RETRY_NO_UNSAFE);
	ck_assert(gcr_retry_outcome_unknown(GCR_RETRY_KIND_DROPPED, 0));
	ck_assert(!gcr_retry_outcome_unknown(GCR_RETRY_KIND_DROPPED, 1));
	ck_assert_int_eq(q.available, 500);
	/* ... but a refused connection, a 429 or a 503 is safe to repeat */
	d = gcr_retry_decide(NULL, &q, 1, GCR_RETRY_KIND_CONNECTION, 0, UINT64_MAX, 0.5);
	ck_assert_int_eq(d.verdict, GCR_RETRY_YES);
	d = gcr_retry_decide(NULL, &q, 1, GCR_RETRY_KIND_THROTTLING, 0, UINT64_MAX, 0.5);
	ck_assert_int_eq(d.verdict, GCR_RETRY_YES);
	/* an idempotent call after a timeout pays 10 */
	d = gcr_retry_decide(NULL, &q, 1, GCR_RETRY_KIND_TIMEOUT, 1, UINT64_MAX, 0.5);
	ck_assert_int_eq(d.verdict, GCR_RETRY_YES);
	ck_assert_int_eq(d.cost, 10);
	ck_assert_int_eq(q.available, 480);
}
END_TEST

START_TEST(decide_respects_deadline_and_quota)
{
	struct gcr_retry_quota q;
	struct gcr_retry_decision d;

	gcr_retry_quota_init(&q, 500);
	d = gcr_retry_decide(NULL, &q, 2, GCR_RETRY_KIND_TRANSIENT, 1, 1500, 0.9);
	ck_assert_int_eq(d.verdict, GCR_RETRY_NO_DEADLINE);  /* 1800 ms > 1500 ms left */
	ck_assert_int_eq(q.available, 500);
	d = gcr_retry_decide(NULL, &q, 2, GCR_RETRY_KIND_TRANSIENT, 1, 1500, 0.5);
	ck_assert_int_eq(d.verdict, GCR_RETRY_YES);
	q.available = 4;
	d = gcr_retry_decide(NULL, &q, 1, GCR_RETRY_KIND_THROTTLING, 1, UINT64_MAX, 0.5);
	ck_assert_int_eq(d.verdict, GCR_RETRY_NO_QUOTA);
	ck_assert_int_eq(q.available, 4);
}
END_TEST

/* A storm: 300 calls that always answer 503, each allowed 3 attempts.  The
 * bucket pays for exactly 100 retries, then calls fail at once. */
START_TEST(storm_drains_quota_deterministically)
{
	struct gcr_retry_quota q;
	int retries = 0, sent = 0;

	gcr_retry_quota_init(&q, 500);
	for (int call = 0; call < 300; call++) {
		for (int attempt = 1;; attempt++) {
			sent++;
			struct gcr_retry_decision d = gcr_retry_decide(
				NULL, &q, attempt, GCR_RETRY_KIND_TRANSIENT, 1, UINT64_MAX,
				(double)((call * 7 + attempt) % 10) / 10.0);
			if (d.verdict != GCR_RETRY_YES)
				break;
			ck_assert_uint_lt(d.delay_ms, (uint64_t)1000 << (attempt - 1));
			retries++;
		}
	}
	ck_assert_int_eq(retries, 100);
	ck_assert_int_eq(sent, 400);
	ck_assert_int_eq(q.available, 0);
	/* successes refill it one token at a time */
	for (int i = 0; i < 5; i++)
		gcr_retry_quota_success(&q, 0);
	ck_assert_int_eq(gcr_retry_quota_acquire(&q, 0), 5);
}
END_TEST

/* ---- error shapes -------------------------------------------------------------- */

static struct gcr_aws_error_info parse(enum gcr_aws_protocol proto, long status,
				       const struct gcr_http_headers *h, const char *body)
{
	struct gcr_aws_error_info info;

	memset(&info, 0, sizeof info);
	gcr_aws_parse_error(proto, status, h, body, body ? strlen(body) : 0, &info);
	return info;
}

START_TEST(json_errors)
{
	struct gcr_http_headers h;
	struct gcr_aws_error_info info;

	gcr_http_headers_init(&h);
	info = parse(GCR_AWS_PROTO_JSON, 400, NULL,
		     "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
		     "\"message\":\"The conditional request failed\"}");
	ck_assert_str_eq(info.code, "ConditionalCheckFailedException");
	ck_assert_str_eq(info.message, "The conditional request failed");
	ck_assert_int_eq(info.http_status, 400);

	/* The header wins over the body; text after ':' is dropped. */
	gcr_http_headers_add(&h, "x-amzn-ErrorType",
			     "ClientException:http://internal.amazon.com/coral/com.amazonaws.batch/");
	gcr_http_headers_add(&h, "x-amzn-RequestId", "5f1c-req");
	info = parse(GCR_AWS_PROTO_REST_JSON, 400, &h,
		     "{\"__type\":\"Other\",\"Message\":\"jobQueue is required\"}");
	ck_assert_str_eq(info.code, "ClientException");
	ck_assert_str_eq(info.message, "jobQueue is required");
	ck_assert_str_eq(info.request_id, "5f1c-req");
	gcr_http_headers_clear(&h);

	/* Lower-case "code" (some rest-json services), and junk bodies. */
	info = parse(GCR_AWS_PROTO_REST_JSON, 429, NULL,
		     "{\"code\":\"TooManyRequestsException\",\"message\":\"Too Many Requests\"}");
	ck_assert_str_eq(info.code, "TooManyRequestsException");
	info = parse(GCR_AWS_PROTO_JSON, 503, NULL, "<html>Service Unavailable</html>");
	ck_assert_str_eq(info.code, "ServiceUnavailable");
	ck_assert_str_eq(info.message, "");
}
END_TEST

START_TEST(xml_errors)
{
	struct gcr_aws_error_info info;
	struct gcr_http_headers h;

	info = parse(GCR_AWS_PROTO_QUERY, 403, NULL,
		     "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
		     "<Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>"
		     "<Message>The security token included in the request is invalid.</Message>"
		     "</Error><RequestId>ab-12</RequestId></ErrorResponse>");
	ck_assert_str_eq(info.code, "InvalidClientTokenId");
	ck_assert_str_eq(info.message, "The security token included in the request is invalid.");
	ck_assert_str_eq(info.request_id, "ab-12");

	info = parse(GCR_AWS_PROTO_EC2, 400, NULL,
		     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"
		     "<Code>InvalidParameterValue</Code><Message>bad &amp; wrong</Message>"
		     "</Error></Errors><RequestID>ec2-req</RequestID></Response>");
	ck_assert_str_eq(info.code, "InvalidParameterValue");
	ck_assert_str_eq(info.message, "bad & wrong");
	ck_assert_str_eq(info.request_id, "ec2-req");

	gcr_http_headers_init(&h);
	gcr_http_headers_add(&h, "x-amz-request-id", "s3-hdr");
	info = parse(GCR_AWS_PROTO_REST_XML, 404, &h,
		     "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist"
		     "</Message><BucketName>b</BucketName><RequestId>s3-body</RequestId></Error>");
	ck_assert_str_eq(info.code, "NoSuchBucket");
	ck_assert_str_eq(info.request_id, "s3-hdr");  /* the header is read first */
	gcr_http_headers_clear(&h);

	/* S3 HEAD has no body: the code comes from the status. */
	info = parse(GCR_AWS_PROTO_REST_XML, 404, NULL, NULL);
	ck_assert_str_eq(info.code, "NotFound");
	/* An entity that would read a local file is not expanded. */
	info = parse(GCR_AWS_PROTO_REST_XML, 400, NULL,
		     "<!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		     "<Error><Code>C</Code><Message>&x;</Message></Error>");
	ck_assert_str_eq(info.code, "C");
	ck_assert_ptr_null(strstr(info.message, "root:"));
}
END_TEST

START_TEST(errors_become_gcr_errors)
{
	struct gcr_aws_error_info info;
	struct gcr_error err;

	memset(&info, 0, sizeof info);
	strcpy(info.service, "batch");
	strcpy(info.operation, "SubmitJob");
	strcpy(info.code, "ClientException");
	strcpy(info.message, "jobQueue not found");
	strcpy(info.request_id, "r-1");
	info.http_status = 400;
	ck_assert_int_eq(gcr_aws_error_to_gcr(&info, &err), GCR_ERR_REMOTE);
	ck_assert_str_eq(err.message,
			 "batch SubmitJob: ClientException: jobQueue not found (HTTP 400, request id r-1)");

	strcpy(info.code, "UnrecognizedClientException");
	ck_assert_int_eq(gcr_aws_error_to_gcr(&info, &err), GCR_ERR_AUTH);
	strcpy(info.code, "ConditionalCheckFailedException");
	ck_assert_int_eq(gcr_aws_error_to_gcr(&info, &err), GCR_ERR_CONFLICT);
	strcpy(info.code, "NoSuchKey");
	ck_assert_int_eq(gcr_aws_error_to_gcr(&info, &err), GCR_ERR_NOT_FOUND);

	info.failure = GCR_HTTP_TIMEOUT;
	info.outcome_unknown = 1;
	strcpy(info.message, "no answer in time");
	ck_assert_int_eq(gcr_aws_error_to_gcr(&info, &err), GCR_ERR_NETWORK);
	ck_assert_ptr_nonnull(strstr(err.message, "outcome unknown"));
	ck_assert_ptr_nonnull(strstr(err.message, "batch SubmitJob"));
	info.outcome_unknown = 0;
	info.attempts = 3;
	ck_assert_int_eq(gcr_aws_error_to_gcr(&info, &err), GCR_ERR_NETWORK);
	ck_assert_ptr_nonnull(strstr(err.message, "3 attempts"));
	info.failure = GCR_HTTP_CANCELLED;
	ck_assert_int_eq(gcr_aws_error_to_gcr(&info, &err), GCR_ERR_CANCELLED);
}
END_TEST

/* ---- query form and XML helpers ---------------------------------------------- */

START_TEST(form_encoding)
{
	struct gcr_aws_params p;
	char *form;

	gcr_aws_params_init(&p);
	gcr_aws_params_add(&p, "InstanceType.1", "c5.4xlarge");
	gcr_aws_params_add(&p, "ProductDescription.1", "Linux/UNIX");
	gcr_aws_params_addf(&p, "MaxResults", "%d", 1000);
	gcr_aws_params_add(&p, "Note", "a b+c=d&é~");
	form = gcr_aws_params_form("DescribeSpotPriceHistory", "2016-11-15", &p);
	ck_assert_str_eq(form,
			 "Action=DescribeSpotPriceHistory&Version=2016-11-15"
			 "&InstanceType.1=c5.4xlarge&ProductDescription.1=Linux%2FUNIX"
			 "&MaxResults=1000&Note=a%20b%2Bc%3Dd%26%C3%A9~");
	free(form);
	gcr_aws_params_clear(&p);
	form = gcr_aws_params_form("GetCallerIdentity", "2011-06-15", NULL);
	ck_assert_str_eq(form, "Action=GetCallerIdentity&Version=2011-06-15");
	free(form);
}
END_TEST

START_TEST(xml_helpers)
{
	const char *xml =
		"<DescribeSpotPriceHistoryResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
		"<requestId>x</requestId><spotPriceHistorySet>"
		"<item><availabilityZone>us-east-1a</availabilityZone><spotPrice>0.21</spotPrice></item>"
		"<item><availabilityZone>us-east-1b</availabilityZone><spotPrice>0.25</spotPrice></item>"
		"</spotPriceHistorySet><nextToken/></DescribeSpotPriceHistoryResponse>";
	struct gcr_error err;
	xmlDocPtr doc = gcr_xml_parse(xml, strlen(xml), &err);
	xmlNodePtr root, item;
	char buf[8];
	char *t;
	int n = 0;

	ck_assert_ptr_nonnull(doc);
	root = xmlDocGetRootElement(doc);
	item = gcr_xml_child(gcr_xml_child(root, "spotPriceHistorySet"), "item");
	for (; item; item = gcr_xml_next_same(item))
		n++;
	ck_assert_int_eq(n, 2);
	item = gcr_xml_find(root, "item");
	t = gcr_xml_text(item, "availabilityZone");
	ck_assert_str_eq(t, "us-east-1a");
	free(t);
	ck_assert_ptr_null(gcr_xml_text(item, "nothing"));
	t = gcr_xml_text(root, "nextToken");
	ck_assert_str_eq(t, "");
	free(t);
	ck_assert(gcr_xml_text_buf(item, "availabilityZone", buf, sizeof buf));
	ck_assert_str_eq(buf, "us-east");  /* truncated to fit */
	xmlFreeDoc(doc);

	ck_assert_ptr_null(gcr_xml_parse("not <xml", 8, &err));
	ck_assert_int_eq(err.code, GCR_ERR_REMOTE);
	ck_assert_ptr_null(gcr_xml_parse("", 0, &err));
}
END_TEST

static Suite *protocol_suite(void)
{
	Suite *s = suite_create("aws_protocol");
	TCase *retry = tcase_create("retry");
	TCase *proto = tcase_create("protocol");

	tcase_add_test(retry, quota_costs_and_refunds);
	tcase_add_test(retry, quota_runs_dry);
	tcase_add_test(retry, backoff_full_jitter_capped);
	tcase_add_test(retry, classify_outcomes);
	tcase_add_test(retry, decide_retries_then_stops_at_three_attempts);
	tcase_add_test(retry, decide_never_repeats_unsafe_calls);
	tcase_add_test(retry, decide_respects_deadline_and_quota);
	tcase_add_test(retry, storm_drains_quota_deterministically);
	tcase_add_test(proto, json_errors);
	tcase_add_test(proto, xml_errors);
	tcase_add_test(proto, errors_become_gcr_errors);
	tcase_add_test(proto, form_encoding);
	tcase_add_test(proto, xml_helpers);
	suite_add_tcase(s, retry);
	suite_add_tcase(s, proto);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(protocol_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
