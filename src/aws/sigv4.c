/* sigv4.c: AWS Signature Version 4 (see sigv4.h for the rules).
 *
 * Work happens in two per-thread buffers that grow once and are reused, so
 * a signature allocates nothing after the first few.  The four HMACs that
 * derive the signing key are cached per thread for (secret, date, region,
 * service): a program signs many requests for a few services each day. */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
#include <openssl/core_names.h>
#include <openssl/params.h>
#else
#include <openssl/hmac.h>
#endif

#include "aws/http.h"
#include "aws/sigv4.h"
#include "i18n.h"

#define SHA256_LEN 32
#define ALGORITHM "AWS4-HMAC-SHA256"

/* ---- growable per-thread buffers ---------------------------------------- */

struct buf {
	char *p;
	size_t len, cap;
};

static int buf_reserve(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	size_t cap;
	char *np;

	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 1024;
	while (cap < need)
		cap *= 2;
	np = realloc(b->p, cap);
	if (!np)
		return -1;
	b->p = np;
	b->cap = cap;
	return 0;
}

static int buf_add(struct buf *b, const char *s, size_t n)
{
	if (buf_reserve(b, n) != 0)
		return -1;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

static int buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

/* ---- hashing ------------------------------------------------------------ */

static const char hexdigits[] = "0123456789abcdef";

static void hex_encode(const unsigned char *in, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexdigits[in[i] >> 4];
		out[2 * i + 1] = hexdigits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Per-thread OpenSSL state, fetched once: in OpenSSL 3 an implicit fetch
 * on every call costs more than the hashing itself. */
struct crypto_state {
	int ready;
	EVP_MD_CTX *md_ctx;
	const EVP_MD *sha256;
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	EVP_MD *sha256_fetched;
	EVP_MAC *mac;
	EVP_MAC_CTX *mac_ctx;
	int mac_configured;
#else
	HMAC_CTX *mac_ctx;
#endif
};

static _Thread_local struct crypto_state crypto;

static int crypto_init(void)
{
	if (crypto.ready)
		return 0;
	crypto.md_ctx = EVP_MD_CTX_new();
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	crypto.sha256_fetched = EVP_MD_fetch(NULL, "SHA256", NULL);
	crypto.sha256 = crypto.sha256_fetched;
	crypto.mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	crypto.mac_ctx = crypto.mac ? EVP_MAC_CTX_new(crypto.mac) : NULL;
#else
	crypto.sha256 = EVP_sha256();
	crypto.mac_ctx = HMAC_CTX_new();
#endif
	if (!crypto.md_ctx || !crypto.sha256 || !crypto.mac_ctx)
		return -1;
	crypto.ready = 1;
	return 0;
}

static int sha256(const void *data, size_t len, unsigned char out[SHA256_LEN])
{
	unsigned int n = 0;

	if (crypto_init() != 0)
		return -1;
	if (EVP_DigestInit_ex(crypto.md_ctx, crypto.sha256, NULL) != 1 ||
	    EVP_DigestUpdate(crypto.md_ctx, data, len) != 1 ||
	    EVP_DigestFinal_ex(crypto.md_ctx, out, &n) != 1 || n != SHA256_LEN)
		return -1;
	return 0;
}

static int hmac_sha256(const unsigned char *key, size_t key_len,
		       const void *msg, size_t msg_len,
		       unsigned char out[SHA256_LEN])
{
	if (crypto_init() != 0)
		return -1;
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	{
		size_t n = 0;
		int ok;

		/* The digest is set once; later inits keep it. */
		if (!crypto.mac_configured) {
			OSSL_PARAM params[2];
			params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
								     (char *)"SHA256", 0);
			params[1] = OSSL_PARAM_construct_end();
			ok = EVP_MAC_init(crypto.mac_ctx, key, key_len, params);
			crypto.mac_configured = ok == 1;
		} else {
			ok = EVP_MAC_init(crypto.mac_ctx, key, key_len, NULL);
		}
		if (ok != 1 || EVP_MAC_update(crypto.mac_ctx, msg, msg_len) != 1 ||
		    EVP_MAC_final(crypto.mac_ctx, out, &n, SHA256_LEN) != 1 ||
		    n != SHA256_LEN)
			return -1;
	}
#else
	{
		unsigned int n = 0;

		if (HMAC_Init_ex(crypto.mac_ctx, key, (int)key_len, crypto.sha256, NULL) != 1 ||
		    HMAC_Update(crypto.mac_ctx, msg, msg_len) != 1 ||
		    HMAC_Final(crypto.mac_ctx, out, &n) != 1 || n != SHA256_LEN)
			return -1;
	}
#endif
	return 0;
}

void gcr_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[SHA256_LEN];

	if (sha256(data, len, md) != 0) {
		/* Only a broken OpenSSL gets here; an empty string makes the
		 * signature fail loudly rather than sign garbage. */
		out[0] = '\0';
		return;
	}
	hex_encode(md, SHA256_LEN, out);
}

/* ---- signing-key cache -------------------------------------------------- */

#define KEY_CACHE_SIZE 8

struct key_entry {
	int used;
	unsigned char secret_digest[SHA256_LEN];   /* not the secret itself */
	char date[9];
	char region[48];
	char service[48];
	unsigned char key[SHA256_LEN];
};

static _Thread_local struct key_entry key_cache[KEY_CACHE_SIZE];
static _Thread_local unsigned key_cache_next;

static int derive_key(const char *secret, const char *date, const char *region,
		      const char *service, unsigned char out[SHA256_LEN])
{
	unsigned char digest[SHA256_LEN];
	unsigned char k[SHA256_LEN];
	size_t slen = strlen(secret);
	size_t rlen = strlen(region), svlen = strlen(service);
	int cacheable = rlen < sizeof key_cache[0].region &&
			svlen < sizeof key_cache[0].service;
	char *kdate_key;
	unsigned i;
	int rc;

	if (sha256(secret, slen, digest) != 0)
		return -1;
	if (cacheable) {
		for (i = 0; i < KEY_CACHE_SIZE; i++) {
			struct key_entry *e = &key_cache[i];
			if (e->used && memcmp(e->date, date, 8) == 0 &&
			    strcmp(e->region, region) == 0 &&
			    strcmp(e->service, service) == 0 &&
			    CRYPTO_memcmp(e->secret_digest, digest, SHA256_LEN) == 0) {
				memcpy(out, e->key, SHA256_LEN);
				return 0;
			}
		}
	}

	kdate_key = malloc(slen + 5);
	if (!kdate_key)
		return -1;
	memcpy(kdate_key, "AWS4", 4);
	memcpy(kdate_key + 4, secret, slen + 1);
	rc = hmac_sha256((unsigned char *)kdate_key, slen + 4, date, 8, k);
	OPENSSL_cleanse(kdate_key, slen + 4);
	free(kdate_key);
	if (rc != 0 ||
	    hmac_sha256(k, SHA256_LEN, region, rlen, k) != 0 ||
	    hmac_sha256(k, SHA256_LEN, service, svlen, k) != 0 ||
	    hmac_sha256(k, SHA256_LEN, "aws4_request", 12, out) != 0) {
		OPENSSL_cleanse(k, sizeof k);
		return -1;
	}
	OPENSSL_cleanse(k, sizeof k);

	if (cacheable) {
		struct key_entry *e = &key_cache[key_cache_next++ % KEY_CACHE_SIZE];
		e->used = 1;
		memcpy(e->secret_digest, digest, SHA256_LEN);
		memcpy(e->date, date, 8);
		e->date[8] = '\0';
		memcpy(e->region, region, rlen + 1);
		memcpy(e->service, service, svlen + 1);
		memcpy(e->key, out, SHA256_LEN);
	}
	return 0;
}

/* ---- URI encoding ------------------------------------------------------- */

static int is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

static const char HEXUP[] = "0123456789ABCDEF";

/* Appends c, or %XX when it is not unreserved; room was reserved. */
static void put_encoded(struct buf *b, unsigned char c)
{
	if (is_unreserved(c)) {
		b->p[b->len++] = (char)c;
	} else {
		b->p[b->len++] = '%';
		b->p[b->len++] = HEXUP[c >> 4];
		b->p[b->len++] = HEXUP[c & 15];
	}
}

static int encode_into(struct buf *b, const char *s, size_t len, int keep_slash)
{
	size_t i;

	if (buf_reserve(b, len * 3) != 0)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (keep_slash && c == '/')
			b->p[b->len++] = '/';
		else
			put_encoded(b, c);
	}
	b->p[b->len] = '\0';
	return 0;
}

char *gcr_aws_uri_encode(const char *s, size_t len, int keep_slash)
{
	struct buf b = { NULL, 0, 0 };

	if (encode_into(&b, s, len, keep_slash) != 0 || (!b.p && buf_reserve(&b, 0) != 0)) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes %XX (a malformed escape stays as it is) and encodes again, so
 * "%7e", "~" and "%7E" all sign as "~" and raw UTF-8 as %XX. */
static int reencode_into(struct buf *b, const char *s, size_t len)
{
	size_t i;

	if (buf_reserve(b, len * 3) != 0)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%' && i + 2 < len &&
		    hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			c = (unsigned char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		}
		put_encoded(b, c);
	}
	b->p[b->len] = '\0';
	return 0;
}

/* ---- canonical parts ---------------------------------------------------- */

/* RFC 3986 "remove dot segments" plus merging of repeated slashes, as
 * botocore's normalize_url_path does. */
static int normalise_path_into(struct buf *b, const char *path, size_t len)
{
	/* Segment start offsets in b, to pop on "..". */
	size_t stack_small[64];
	size_t *stack = stack_small;
	size_t depth = 0, cap = 64;
	size_t start = b->len;
	size_t i = 0;
	int trailing;

	if (len == 0)
		return buf_addc(b, '/');
	trailing = path[len - 1] == '/';
	if (buf_reserve(b, len + 1) != 0)
		return -1;
	while (i < len) {
		size_t j = i;
		while (j < len && path[j] != '/')
			j++;
		if (j > i && !(j - i == 1 && path[i] == '.')) {
			if (j - i == 2 && path[i] == '.' && path[i + 1] == '.') {
				if (depth > 0)
					b->len = stack[--depth];
			} else {
				if (depth == cap) {
					size_t *ns = malloc(2 * cap * sizeof *ns);
					if (!ns)
						goto fail;
					memcpy(ns, stack, depth * sizeof *ns);
					if (stack != stack_small)
						free(stack);
					stack = ns;
					cap *= 2;
				}
				stack[depth++] = b->len;
				b->p[b->len++] = '/';
				memcpy(b->p + b->len, path + i, j - i);
				b->len += j - i;
			}
		}
		i = j + 1;
	}
	if (b->len == start)
		b->p[b->len++] = '/';
	else if (trailing)
		b->p[b->len++] = '/';
	b->p[b->len] = '\0';
	if (stack != stack_small)
		free(stack);
	return 0;
fail:
	if (stack != stack_small)
		free(stack);
	return -1;
}

struct span {
	size_t off, len;      /* in the work buffer */
	size_t off2, len2;    /* value (query pairs, headers) */
	size_t order;         /* original position, to keep repeated headers in order */
};

static _Thread_local struct buf work_buf;
static _Thread_local struct buf creq_buf;
static _Thread_local struct span *spans;
static _Thread_local size_t spans_cap;

static int spans_reserve(size_t n)
{
	struct span *ns;

	if (n <= spans_cap)
		return 0;
	ns = realloc(spans, n * sizeof *ns);
	if (!ns)
		return -1;
	spans = ns;
	spans_cap = n;
	return 0;
}

/* qsort has no context argument; the buffer being compared is per-thread. */
static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(work_buf.p + x->off, work_buf.p + y->off, n);

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return 0;
}

static int query_pair_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	int c = span_cmp(a, b);
	size_t n;

	if (c)
		return c;
	n = x->len2 < y->len2 ? x->len2 : y->len2;
	c = memcmp(work_buf.p + x->off2, work_buf.p + y->off2, n);
	if (c)
		return c;
	return x->len2 < y->len2 ? -1 : x->len2 > y->len2 ? 1 : 0;
}

static int header_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	int c = span_cmp(a, b);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order ? 1 : 0;
}

/* Adds canonical "k=v&k=v" for the raw query to creq. */
static int canonical_query(struct buf *creq, const char *query)
{
	size_t npairs = 0, i;
	const char *p = query;

	if (!query || !*query)
		return 0;
	while (*p) {
		const char *amp = strchr(p, '&');
		const char *end = amp ? amp : p + strlen(p);
		const char *eq;
		struct span *s;

		if (end > p) {
			if (spans_reserve(npairs + 1) != 0)
				return -1;
			s = &spans[npairs++];
			eq = memchr(p, '=', (size_t)(end - p));
			s->off = work_buf.len;
			if (reencode_into(&work_buf, p, (size_t)((eq ? eq : end) - p)) != 0)
				return -1;
			s->len = work_buf.len - s->off;
			s->off2 = work_buf.len;
			if (eq && reencode_into(&work_buf, eq + 1, (size_t)(end - eq - 1)) != 0)
				return -1;
			s->len2 = work_buf.len - s->off2;
			s->order = npairs;
		}
		if (!amp)
			break;
		p = amp + 1;
	}
	qsort(spans, npairs, sizeof *spans, query_pair_cmp);
	for (i = 0; i < npairs; i++) {
		if ((i && buf_addc(creq, '&') != 0) ||
		    buf_add(creq, work_buf.p + spans[i].off, spans[i].len) != 0 ||
		    buf_addc(creq, '=') != 0 ||
		    buf_add(creq, work_buf.p + spans[i].off2, spans[i].len2) != 0)
			return -1;
	}
	return 0;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Appends a header as a span: lower-cased trimmed name, value trimmed with
 * inner white space collapsed ("Trimall"). */
static int add_header_span(size_t *n, const char *name, const char *value, size_t order)
{
	struct span *s;
	size_t nlen, i;
	const unsigned char *v = (const unsigned char *)value;
	int pending_space = 0;

	while (is_space((unsigned char)*name))
		name++;
	nlen = strlen(name);
	while (nlen && is_space((unsigned char)name[nlen - 1]))
		nlen--;
	if (spans_reserve(*n + 1) != 0 || buf_reserve(&work_buf, nlen + strlen(value)) != 0)
		return -1;
	s = &spans[(*n)++];
	s->order = order;
	s->off = work_buf.len;
	for (i = 0; i < nlen; i++)
		work_buf.p[work_buf.len++] = (char)tolower((unsigned char)name[i]);
	s->len = nlen;
	s->off2 = work_buf.len;
	for (; *v; v++) {
		if (is_space(*v)) {
			pending_space = work_buf.len > s->off2;
			continue;
		}
		if (pending_space)
			work_buf.p[work_buf.len++] = ' ';
		pending_space = 0;
		work_buf.p[work_buf.len++] = (char)*v;
	}
	s->len2 = work_buf.len - s->off2;
	work_buf.p[work_buf.len] = '\0';
	return 0;
}

static int same_name(const struct span *a, const struct span *b)
{
	return a->len == b->len && memcmp(work_buf.p + a->off, work_buf.p + b->off, a->len) == 0;
}

static int header_skipped(const char *name, unsigned flags)
{
	while (is_space((unsigned char)*name))
		name++;
	return strcasecmp(name, "user-agent") == 0 ||
	       strcasecmp(name, "expect") == 0 ||
	       strcasecmp(name, "x-amzn-trace-id") == 0 ||
	       strcasecmp(name, "authorization") == 0 ||
	       strcasecmp(name, "x-amz-date") == 0 ||
	       strcasecmp(name, "x-amz-security-token") == 0 ||
	       ((flags & GCR_SIGV4_S3) && strcasecmp(name, "x-amz-content-sha256") == 0);
}

static int valid_payload_hash(const char *h)
{
	size_t i, n = strlen(h);

	if (n == 64) {
		for (i = 0; i < n; i++)
			if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
				return 0;
		return 1;
	}
	/* UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, ... */
	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((h[i] >= 'A' && h[i] <= 'Z') || (h[i] >= '0' && h[i] <= '9') || h[i] == '-'))
			return 0;
	return 1;
}

static int valid_scope_part(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (*s == '/' || is_space((unsigned char)*s) || (unsigned char)*s < 0x20)
			return 0;
	return 1;
}

/* "YYYYMMDDTHHMMSSZ"; the year was checked to have four digits. */
static void format_amz_date(const struct tm *tm, char out[17])
{
	int year = tm->tm_year + 1900;
	int parts[5] = { tm->tm_mon + 1, tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec };
	char *p = out;
	int i;

	*p++ = (char)('0' + year / 1000);
	*p++ = (char)('0' + year / 100 % 10);
	*p++ = (char)('0' + year / 10 % 10);
	*p++ = (char)('0' + year % 10);
	for (i = 0; i < 5; i++) {
		if (i == 2)
			*p++ = 'T';
		*p++ = (char)('0' + parts[i] / 10);
		*p++ = (char)('0' + parts[i] % 10);
	}
	*p++ = 'Z';
	*p = '\0';
}

void gcr_sigv4_result_free(struct gcr_sigv4_result *out)
{
	if (!out)
		return;
	free(out->canonical_request);
	free(out->string_to_sign);
	out->canonical_request = NULL;
	out->string_to_sign = NULL;
}

enum gcr_status gcr_sigv4_sign(const struct gcr_sigv4_request *req,
			       const struct gcr_aws_credentials *creds,
			       struct gcr_sigv4_result *out,
			       struct gcr_error *err)
{
	struct tm tm;
	char date[9];
	char payload_hex[65];
	const char *payload_hash;
	unsigned char digest[SHA256_LEN];
	unsigned char key[SHA256_LEN];
	char creq_hex[65];
	char sig_hex[65];
	char sts[256];
	int sts_len;
	size_t nh = 0, i, signed_start, signed_len;
	int have_host = 0;
	const char *path;
	int n;

	out->authorization[0] = '\0';
	out->amz_date[0] = '\0';
	out->content_sha256[0] = '\0';
	out->security_token = NULL;
	out->canonical_request = NULL;
	out->string_to_sign = NULL;

	if (!req || !req->method || !*req->method)
		return gcr_error_set(err, GCR_ERR_INVALID, _("cannot sign a request without a method"));
	if (!valid_scope_part(req->region))
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("cannot sign a request without a valid region"));
	if (!valid_scope_part(req->service))
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("cannot sign a request without a valid service name"));
	if (!creds || !creds->access_key_id || !*creds->access_key_id ||
	    !creds->secret_access_key || !*creds->secret_access_key)
		return gcr_error_set(err, GCR_ERR_AUTH,
				     _("cannot sign a request without credentials"));
	if (!valid_scope_part(creds->access_key_id))
		return gcr_error_set(err, GCR_ERR_AUTH,
				     _("the access key id contains characters AWS does not allow"));

	if (!gmtime_r(&req->when, &tm) || tm.tm_year + 1900 < 1000 || tm.tm_year + 1900 > 9999)
		return gcr_error_set(err, GCR_ERR_INVALID, _("cannot sign with a date outside years 1000-9999"));
	format_amz_date(&tm, out->amz_date);
	memcpy(date, out->amz_date, 8);
	date[8] = '\0';

	if (req->payload_hash) {
		if (!valid_payload_hash(req->payload_hash))
			return gcr_error_set(err, GCR_ERR_INVALID,
					     _("payload hash must be 64 lower-case hex digits or UNSIGNED-PAYLOAD"));
		payload_hash = req->payload_hash;
	} else {
		gcr_sha256_hex(req->payload ? req->payload : "",
			       req->payload ? req->payload_len : 0, payload_hex);
		if (!payload_hex[0])
			goto crypto_fail;
		payload_hash = payload_hex;
	}
	if (req->flags & GCR_SIGV4_S3)
		snprintf(out->content_sha256, sizeof out->content_sha256, "%s", payload_hash);
	if (creds->session_token && *creds->session_token)
		out->security_token = creds->session_token;

	work_buf.len = 0;
	creq_buf.len = 0;

	/* Method, path and query first: the query uses the span array before
	 * the headers do. */
	if (buf_adds(&creq_buf, req->method) != 0 || buf_addc(&creq_buf, '\n') != 0)
		goto nomem;
	path = req->path && *req->path ? req->path : "/";
	if (req->flags & GCR_SIGV4_S3) {
		if (buf_adds(&creq_buf, path) != 0)
			goto nomem;
	} else {
		/* Normalise into the work buffer, then encode into creq. */
		size_t start = work_buf.len;
		if (normalise_path_into(&work_buf, path, strlen(path)) != 0 ||
		    encode_into(&creq_buf, work_buf.p + start, work_buf.len - start, 1) != 0)
			goto nomem;
	}
	if (buf_addc(&creq_buf, '\n') != 0 || canonical_query(&creq_buf, req->query) != 0 ||
	    buf_addc(&creq_buf, '\n') != 0)
		goto nomem;

	/* Headers: the caller's, then ours. */
	for (i = 0; i < req->header_count; i++) {
		const struct gcr_sigv4_header *h = &req->headers[i];
		if (!h->name || !h->value || header_skipped(h->name, req->flags))
			continue;
		if (add_header_span(&nh, h->name, h->value, i) != 0)
			goto nomem;
		if (spans[nh - 1].len == 0)
			return gcr_error_set(err, GCR_ERR_INVALID, _("cannot sign a header with an empty name"));
		if (spans[nh - 1].len == 4 && memcmp(work_buf.p + spans[nh - 1].off, "host", 4) == 0)
			have_host = 1;
	}
	if (!have_host)
		return gcr_error_set(err, GCR_ERR_INVALID, _("cannot sign a request without a Host header"));
	if (add_header_span(&nh, "x-amz-date", out->amz_date, req->header_count) != 0)
		goto nomem;
	if (out->security_token && !(req->flags & GCR_SIGV4_TOKEN_UNSIGNED) &&
	    add_header_span(&nh, "x-amz-security-token", out->security_token,
			    req->header_count + 1) != 0)
		goto nomem;
	if ((req->flags & GCR_SIGV4_S3) &&
	    add_header_span(&nh, "x-amz-content-sha256", out->content_sha256,
			    req->header_count + 2) != 0)
		goto nomem;
	qsort(spans, nh, sizeof *spans, header_cmp);

	/* Canonical headers; a repeated name joins its values with ','. */
	for (i = 0; i < nh; i++) {
		if (i > 0 && same_name(&spans[i], &spans[i - 1])) {
			creq_buf.p[creq_buf.len - 1] = ',';
		} else if (buf_add(&creq_buf, work_buf.p + spans[i].off, spans[i].len) != 0 ||
			   buf_addc(&creq_buf, ':') != 0) {
			goto nomem;
		}
		if (buf_add(&creq_buf, work_buf.p + spans[i].off2, spans[i].len2) != 0 ||
		    buf_addc(&creq_buf, '\n') != 0)
			goto nomem;
	}
	if (buf_addc(&creq_buf, '\n') != 0)
		goto nomem;
	signed_start = creq_buf.len;
	for (i = 0; i < nh; i++) {
		if (i > 0 && same_name(&spans[i], &spans[i - 1]))
			continue;
		if ((i > 0 && buf_addc(&creq_buf, ';') != 0) ||
		    buf_add(&creq_buf, work_buf.p + spans[i].off, spans[i].len) != 0)
			goto nomem;
	}
	signed_len = creq_buf.len - signed_start;
	if (buf_addc(&creq_buf, '\n') != 0 || buf_adds(&creq_buf, payload_hash) != 0)
		goto nomem;

	if (sha256(creq_buf.p, creq_buf.len, digest) != 0)
		goto crypto_fail;
	hex_encode(digest, SHA256_LEN, creq_hex);
	sts_len = snprintf(sts, sizeof sts, ALGORITHM "\n%s\n%s/%s/%s/aws4_request\n%s",
			   out->amz_date, date, req->region, req->service, creq_hex);
	if (sts_len < 0 || (size_t)sts_len >= sizeof sts)
		return gcr_error_set(err, GCR_ERR_INVALID, _("region or service name too long to sign"));

	if (derive_key(creds->secret_access_key, date, req->region, req->service, key) != 0)
		goto crypto_fail;
	if (hmac_sha256(key, SHA256_LEN, sts, (size_t)sts_len, digest) != 0) {
		OPENSSL_cleanse(key, sizeof key);
		goto crypto_fail;
	}
	OPENSSL_cleanse(key, sizeof key);
	hex_encode(digest, SHA256_LEN, sig_hex);

	n = snprintf(out->authorization, sizeof out->authorization,
		     ALGORITHM " Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=%.*s, Signature=%s",
		     creds->access_key_id, date, req->region, req->service,
		     (int)signed_len, creq_buf.p + signed_start, sig_hex);
	if (n < 0 || (size_t)n >= sizeof out->authorization) {
		out->authorization[0] = '\0';
		return gcr_error_set(err, GCR_ERR_INVALID,
				     _("too many signed headers: the Authorization header would exceed %d bytes"),
				     GCR_SIGV4_AUTHORIZATION_MAX - 1);
	}

	if (req->flags & GCR_SIGV4_WANT_DEBUG) {
		out->canonical_request = strdup(creq_buf.p);
		out->string_to_sign = strdup(sts);
		if (!out->canonical_request || !out->string_to_sign) {
			gcr_sigv4_result_free(out);
			goto nomem;
		}
	}
	return GCR_OK;

nomem:
	return gcr_error_set(err, GCR_ERR_NOMEM, _("out of memory"));
crypto_fail:
	return gcr_error_set(err, GCR_ERR_INTERNAL, _("OpenSSL could not compute a SHA-256 or HMAC"));
}

void gcr_sigv4_apply(const struct gcr_sigv4_result *res, struct gcr_http_headers *headers)
{
	gcr_http_headers_set(headers, "Authorization", res->authorization);
	gcr_http_headers_set(headers, "X-Amz-Date", res->amz_date);
	if (res->security_token)
		gcr_http_headers_set(headers, "X-Amz-Security-Token", res->security_token);
	else
		gcr_http_headers_remove(headers, "X-Amz-Security-Token");
	if (res->content_sha256[0])
		gcr_http_headers_set(headers, "x-amz-content-sha256", res->content_sha256);
}
