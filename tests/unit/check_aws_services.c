/* check_aws_services.c: the service clients' answer parsers, on answers in
 * the shapes of botocore's models: EC2 spot history and instance types
 * (XML), S3 ListObjectsV2 (XML), STS credentials (XML), Batch JobDetail,
 * Pricing products, CloudWatch Logs pages, DynamoDB attribute values
 * (JSON), and ISO 8601 times. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "aws/batch.h"
#include "aws/dynamodb.h"
#include "aws/ec2.h"
#include "aws/logs.h"
#include "aws/pricing.h"
#include "aws/s3.h"
#include "aws/sts.h"

static xmlDocPtr xml(const char *text)
{
	struct gcr_error err;
	xmlDocPtr doc = gcr_xml_parse(text, strlen(text), &err);

	ck_assert_msg(doc != NULL, "%s", err.message);
	return doc;
}

START_TEST(times)
{
	time_t t;
	char buf[32];

	ck_assert(gcr_aws_time_parse("2026-07-01T12:00:00Z", &t));
	ck_assert_int_eq(t, 1782907200);
	ck_assert(gcr_aws_time_parse("2026-07-01T12:00:00.123Z", &t));
	ck_assert_int_eq(t, 1782907200);
	ck_assert(gcr_aws_time_parse("2026-07-01T14:00:00+02:00", &t));
	ck_assert_int_eq(t, 1782907200);
	ck_assert(!gcr_aws_time_parse("2026-07-01", &t));
	ck_assert(!gcr_aws_time_parse("2026-07-01T12:00:00Zjunk", &t));
	ck_assert(!gcr_aws_time_parse(NULL, &t));
	gcr_aws_time_format(1782907200, buf, sizeof buf);
	ck_assert_str_eq(buf, "2026-07-01T12:00:00Z");
}
END_TEST

static const char *spot_page =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<DescribeSpotPriceHistoryResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
	"<requestId>r</requestId><spotPriceHistorySet>"
	"<item><instanceType>c5.4xlarge</instanceType><productDescription>Linux/UNIX</productDescription>"
	"<spotPrice>0.270000</spotPrice><timestamp>2026-07-01T11:00:00.000Z</timestamp>"
	"<availabilityZone>us-east-1a</availabilityZone></item>"
	"<item><instanceType>c5.4xlarge</instanceType><productDescription>Linux/UNIX</productDescription>"
	"<spotPrice>0.250000</spotPrice><timestamp>2026-07-01T12:00:00.000Z</timestamp>"
	"<availabilityZone>us-east-1a</availabilityZone></item>"
	"<item><instanceType>c5.4xlarge</instanceType><productDescription>Linux/UNIX</productDescription>"
	"<spotPrice>0.310000</spotPrice><timestamp>2026-07-01T10:00:00.000Z</timestamp>"
	"<availabilityZone>us-east-1b</availabilityZone></item>"
	"<item><instanceType>c6i.8xlarge</instanceType><productDescription>Linux/UNIX</productDescription>"
	"<spotPrice>0.5</spotPrice><timestamp>2026-07-01T09:00:00.000Z</timestamp>"
	"<availabilityZone>us-east-1a</availabilityZone></item>"
	"</spotPriceHistorySet><nextToken>tok-2</nextToken></DescribeSpotPriceHistoryResponse>";

START_TEST(ec2_spot_history)
{
	struct gcr_ec2_spot_price *items = NULL;
	struct gcr_error err;
	size_t n = 0;
	char *next = NULL;
	xmlDocPtr doc = xml(spot_page);

	ck_assert_int_eq(gcr_ec2_parse_spot_page(doc, &items, &n, &next, &err), GCR_OK);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(next, "tok-2");
	ck_assert_str_eq(items[0].zone, "us-east-1a");
	ck_assert(items[0].price > 0.2699 && items[0].price < 0.2701);
	n = gcr_ec2_spot_latest_per_zone(items, n);
	ck_assert_uint_eq(n, 3);
	/* sorted by type then zone; the newest price per zone kept */
	ck_assert_str_eq(items[0].instance_type, "c5.4xlarge");
	ck_assert_str_eq(items[0].zone, "us-east-1a");
	ck_assert(items[0].price > 0.2499 && items[0].price < 0.2501);
	ck_assert_str_eq(items[1].zone, "us-east-1b");
	ck_assert_str_eq(items[2].instance_type, "c6i.8xlarge");
	free(items);
	free(next);
	xmlFreeDoc(doc);

	/* a bad price is an error, not a zero */
	doc = xml("<R><spotPriceHistorySet><item><spotPrice>cheap</spotPrice>"
		  "<timestamp>2026-07-01T10:00:00Z</timestamp></item></spotPriceHistorySet></R>");
	items = NULL;
	n = 0;
	ck_assert_int_eq(gcr_ec2_parse_spot_page(doc, &items, &n, &next, &err), GCR_ERR_REMOTE);
	free(items);
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(ec2_instance_types)
{
	const char *page =
		"<DescribeInstanceTypesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
		"<instanceTypeSet><item><instanceType>hpc7g.16xlarge</instanceType>"
		"<vCpuInfo><defaultVCpus>64</defaultVCpus><defaultCores>64</defaultCores>"
		"<defaultThreadsPerCore>1</defaultThreadsPerCore></vCpuInfo>"
		"<memoryInfo><sizeInMiB>131072</sizeInMiB></memoryInfo>"
		"<processorInfo><supportedArchitectures><item>arm64</item></supportedArchitectures>"
		"</processorInfo><networkInfo><networkPerformance>200 Gigabit</networkPerformance>"
		"<efaSupported>true</efaSupported></networkInfo></item>"
		"<item><instanceType>c5.4xlarge</instanceType><vCpuInfo><defaultVCpus>16</defaultVCpus>"
		"<defaultThreadsPerCore>2</defaultThreadsPerCore></vCpuInfo>"
		"<memoryInfo><sizeInMiB>32768</sizeInMiB></memoryInfo>"
		"<networkInfo><networkPerformance>Up to 10 Gigabit</networkPerformance>"
		"<efaSupported>false</efaSupported></networkInfo></item></instanceTypeSet>"
		"</DescribeInstanceTypesResponse>";
	struct gcr_ec2_instance_type *items = NULL;
	struct gcr_error err;
	size_t n = 0;
	char *next = (char *)"unset";
	xmlDocPtr doc = xml(page);

	ck_assert_int_eq(gcr_ec2_parse_instance_types_page(doc, &items, &n, &next, &err), GCR_OK);
	ck_assert_ptr_null(next);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(items[0].name, "hpc7g.16xlarge");
	ck_assert_int_eq(items[0].vcpus, 64);
	ck_assert_int_eq(items[0].cores, 64);
	ck_assert(items[0].memory_gib > 127.9 && items[0].memory_gib < 128.1);
	ck_assert_int_eq(items[0].efa_supported, 1);
	ck_assert_str_eq(items[0].architecture, "arm64");
	ck_assert_str_eq(items[0].network, "200 Gigabit");
	/* cores derived from threads per core when the answer lacks them */
	ck_assert_int_eq(items[1].cores, 8);
	ck_assert_int_eq(items[1].efa_supported, 0);
	free(items);
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(s3_list_page)
{
	const char *page =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		"<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
		"<Name>b</Name><Prefix>runs/</Prefix><KeyCount>2</KeyCount>"
		"<IsTruncated>true</IsTruncated><NextContinuationToken>c2</NextContinuationToken>"
		"<Contents><Key>runs/a &amp; b.nc</Key><LastModified>2026-07-01T12:00:00.000Z</LastModified>"
		"<ETag>&quot;abc&quot;</ETag><Size>1234567890123</Size></Contents>"
		"<Contents><Key>runs/x</Key><Size>0</Size></Contents></ListBucketResult>";
	struct gcr_s3_object *objs = NULL;
	struct gcr_error err;
	size_t n = 0;
	char *next = NULL;
	xmlDocPtr doc = xml(page);

	ck_assert_int_eq(gcr_s3_parse_list_page(doc, &objs, &n, &next, &err), GCR_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(objs[0].key, "runs/a & b.nc");
	ck_assert_str_eq(objs[0].etag, "\"abc\"");
	ck_assert_uint_eq(objs[0].size, 1234567890123ULL);
	ck_assert_int_eq(objs[0].last_modified, 1782907200);
	ck_assert_str_eq(next, "c2");
	free(next);
	gcr_s3_objects_free(objs, n);
	xmlFreeDoc(doc);

	doc = xml("<Error><Code>NoSuchBucket</Code></Error>");
	objs = NULL;
	n = 0;
	ck_assert_int_eq(gcr_s3_parse_list_page(doc, &objs, &n, &next, &err), GCR_ERR_REMOTE);
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(sts_credentials)
{
	const char *answer =
		"<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
		"<AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/r/s</Arn>"
		"</AssumedRoleUser><Credentials><AccessKeyId>ASIATEST</AccessKeyId>"
		"<SecretAccessKey>sec</SecretAccessKey><SessionToken>tok</SessionToken>"
		"<Expiration>2026-07-01T12:00:00Z</Expiration></Credentials></AssumeRoleResult>"
		"</AssumeRoleResponse>";
	struct gcr_aws_credentials c = { 0 };
	struct gcr_error err;
	xmlDocPtr doc = xml(answer);

	ck_assert_int_eq(gcr_sts_parse_credentials(doc, "assume-role r via base", &c, &err), GCR_OK);
	ck_assert_str_eq(c.access_key_id, "ASIATEST");
	ck_assert_str_eq(c.secret_access_key, "sec");
	ck_assert_str_eq(c.session_token, "tok");
	ck_assert_int_eq(c.expiration, 1782907200);
	ck_assert_int_eq(c.source, GCR_AWS_SOURCE_ASSUME_ROLE);
	gcr_aws_credentials_clear(&c);
	xmlFreeDoc(doc);

	doc = xml("<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId>"
		  "</Credentials></AssumeRoleResult></AssumeRoleResponse>");
	ck_assert_int_eq(gcr_sts_parse_credentials(doc, NULL, &c, &err), GCR_ERR_REMOTE);
	ck_assert_ptr_null(strstr(err.message, "A"));
	xmlFreeDoc(doc);
}
END_TEST

START_TEST(batch_job_detail)
{
	json_t *job = json_loads(
		"{\"jobArn\":\"arn:aws:batch:us-east-1:1:job/j1\",\"jobName\":\"gc-1\","
		"\"jobId\":\"j1\",\"jobQueue\":\"q\",\"status\":\"FAILED\","
		"\"statusReason\":\"Host EC2 (instance i-1) terminated.\",\"createdAt\":1000,"
		"\"startedAt\":2000,\"stoppedAt\":3000,\"jobDefinition\":\"d:3\","
		"\"attempts\":[{},{}],\"isTerminated\":false,"
		"\"container\":{\"exitCode\":137,\"logStreamName\":\"d/default/abc\","
		"\"logConfiguration\":{\"logDriver\":\"awslogs\","
		"\"options\":{\"awslogs-group\":\"/gc/runs\"}}}}", 0, NULL);
	struct gcr_batch_job j;

	ck_assert(gcr_batch_job_read(job, &j));
	ck_assert_str_eq(j.job_id, "j1");
	ck_assert_str_eq(j.status, "FAILED");
	ck_assert_str_eq(j.status_reason, "Host EC2 (instance i-1) terminated.");
	ck_assert_int_eq(j.created_at, 1000);
	ck_assert_int_eq(j.stopped_at, 3000);
	ck_assert(j.has_exit_code);
	ck_assert_int_eq(j.exit_code, 137);
	ck_assert_str_eq(j.log_stream, "d/default/abc");
	ck_assert_str_eq(j.log_group, "/gc/runs");
	ck_assert_int_eq(j.attempts, 2);
	json_decref(job);

	job = json_loads("{\"jobId\":\"j2\",\"status\":\"RUNNABLE\"}", 0, NULL);
	ck_assert(gcr_batch_job_read(job, &j));
	ck_assert(!j.has_exit_code);
	ck_assert_ptr_null(j.log_stream);
	ck_assert_str_eq(j.log_group, "/aws/batch/job");
	json_decref(job);
	job = json_loads("{\"status\":\"RUNNABLE\"}", 0, NULL);
	ck_assert(!gcr_batch_job_read(job, &j));
	json_decref(job);
}
END_TEST

START_TEST(pricing_products)
{
	json_t *product = json_loads(
		"{\"product\":{\"attributes\":{\"instanceType\":\"c5.4xlarge\"}},"
		"\"terms\":{\"OnDemand\":{\"ABC.JRTCKXETXF\":{\"priceDimensions\":"
		"{\"ABC.JRTCKXETXF.6YS6EN2CT7\":{\"unit\":\"Hrs\",\"pricePerUnit\":{\"USD\":\"0.6800000000\"}}}}}}}",
		0, NULL);
	json_t *filters = gcr_pricing_linux_filters("c5.4xlarge", "us-east-1");
	double usd = 0;

	ck_assert(gcr_pricing_on_demand_usd(product, &usd));
	ck_assert(usd > 0.6799 && usd < 0.6801);
	ck_assert_str_eq(gcr_pricing_instance_type(product), "c5.4xlarge");
	json_decref(product);
	product = json_loads("{\"terms\":{\"OnDemand\":{}}}", 0, NULL);
	ck_assert(!gcr_pricing_on_demand_usd(product, &usd));
	json_decref(product);

	ck_assert_uint_eq(json_array_size(filters), 8);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(filters, 0), "Type")),
			 "TERM_MATCH");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(filters, 1), "Value")),
			 "us-east-1");
	json_decref(filters);
}
END_TEST

START_TEST(logs_page)
{
	json_t *answer = json_loads(
		"{\"events\":[{\"timestamp\":1,\"message\":\"GEOS-Chem start\",\"ingestionTime\":2},"
		"{\"timestamp\":3,\"message\":\"step 1\",\"ingestionTime\":4}],"
		"\"nextForwardToken\":\"f/1\",\"nextBackwardToken\":\"b/1\"}", 0, NULL);
	struct gcr_logs_page page;
	struct gcr_error err;

	ck_assert_int_eq(gcr_logs_parse_page(answer, &page, &err), GCR_OK);
	ck_assert_uint_eq(page.n, 2);
	ck_assert_str_eq(page.events[1].message, "step 1");
	ck_assert_int_eq(page.events[1].timestamp, 3);
	ck_assert_str_eq(page.next_forward_token, "f/1");
	free((void *)page.events);
	json_decref(answer);
	answer = json_loads("{\"events\":\"no\"}", 0, NULL);
	ck_assert_int_eq(gcr_logs_parse_page(answer, &page, &err), GCR_ERR_REMOTE);
	json_decref(answer);
}
END_TEST

START_TEST(dynamodb_values)
{
	json_t *item = json_object();
	int64_t n = 0;

	json_object_set_new(item, "pk", gcr_ddb_s("run#1"));
	json_object_set_new(item, "cost", gcr_ddb_n(-42));
	ck_assert_str_eq(gcr_ddb_get_s(item, "pk"), "run#1");
	ck_assert(gcr_ddb_get_n(item, "cost", &n));
	ck_assert_int_eq(n, -42);
	ck_assert(!gcr_ddb_get_n(item, "pk", &n));
	ck_assert_ptr_null(gcr_ddb_get_s(item, "cost"));
	json_decref(item);
}
END_TEST

static Suite *services_suite(void)
{
	Suite *s = suite_create("aws_services");
	TCase *tc = tcase_create("parsers");

	tcase_add_test(tc, times);
	tcase_add_test(tc, ec2_spot_history);
	tcase_add_test(tc, ec2_instance_types);
	tcase_add_test(tc, s3_list_page);
	tcase_add_test(tc, sts_credentials);
	tcase_add_test(tc, batch_job_detail);
	tcase_add_test(tc, pricing_products);
	tcase_add_test(tc, logs_page);
	tcase_add_test(tc, dynamodb_values);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(services_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
