/* http.c: libcurl's multi interface driven by libuv (see http.h).
 *
 * The shape is curl's multi-uv example: curl tells us which sockets to watch
 * (on_curl_socket) and when to wake it (on_curl_timer); libuv tells curl what
 * happened (curl_multi_socket_action); finished transfers are drained with
 * curl_multi_info_read and found again through CURLINFO_PRIVATE.  Unlike the
 * published example the timer handle's data is set, so timeouts work. */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "aws/http.h"
#include "i18n.h"
#include "log.h"
#include "paths.h"

struct sock_ctx {
	uv_poll_t poll;             /* freed only in its close callback */
	curl_socket_t fd;
	struct gcr_http *http;
	struct sock_ctx *prev, *next;
};

struct gcr_http {
	uv_loop_t *loop;
	CURLM *multi;
	uv_timer_t timer;           /* one, non-repeating, data = this */
	long connect_timeout_ms;
	long timeout_ms;
	char *ca_bundle;            /* owned, or NULL for the system store */
	size_t active;
	struct gcr_http_request *requests;   /* every request not yet called back */
	/* At most admit_limit transfers are inside libcurl at once; the rest
	 * wait here in order.  That bounds the work of one loop pass: libcurl
	 * would otherwise walk every new handle in a single timer callback. */
	size_t in_multi, admit_limit;
	struct gcr_http_request *queue_head, *queue_tail;
	struct sock_ctx *socks;              /* polls not yet closing */
	int closing;
	int pending_closes;         /* handles whose close callback is due */
	void (*closed)(void *data);
	void *closed_data;
};

struct gcr_http_request {
	struct gcr_http *http;
	CURL *easy;
	struct curl_slist *header_list;
	char *method;

	/* upload source: memory copy or a file range */
	char *body;
	size_t body_len;
	size_t body_pos;
	int upload_fd;
	uint64_t upload_offset;
	uint64_t upload_length;
	uint64_t upload_pos;

	/* download sink */
	char *download_path;
	int download_fd;
	int download_failed;
	int download_started;

	char *mem;                  /* answer body in memory */
	size_t mem_len, mem_cap;
	int mem_failed;

	struct gcr_http_response resp;
	gcr_http_done_cb cb;
	void *data;
	gcr_http_progress_cb progress;
	void *progress_data;
	char curl_error[CURL_ERROR_SIZE];
	int in_multi;                       /* added to libcurl (else queued) */
	struct gcr_http_request *prev, *next;
	struct gcr_http_request *queue_next;
};

/* ---- headers ---------------------------------------------------------- */

void gcr_http_headers_init(struct gcr_http_headers *h)
{
	h->items = NULL;
	h->count = h->cap = 0;
}

static char *xstrdup(const char *s)
{
	char *copy = strdup(s ? s : "");
	if (!copy)
		abort();
	return copy;
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);
	if (!q && n)
		abort();
	return q;
}

void gcr_http_headers_add(struct gcr_http_headers *h, const char *name,
			  const char *value)
{
	if (h->count == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 8;
		h->items = xrealloc(h->items, h->cap * sizeof *h->items);
	}
	h->items[h->count].name = xstrdup(name);
	h->items[h->count].value = xstrdup(value);
	h->count++;
}

void gcr_http_headers_remove(struct gcr_http_headers *h, const char *name)
{
	size_t out = 0;

	for (size_t i = 0; i < h->count; i++) {
		if (strcasecmp(h->items[i].name, name) == 0) {
			free(h->items[i].name);
			free(h->items[i].value);
		} else {
			h->items[out++] = h->items[i];
		}
	}
	h->count = out;
}

void gcr_http_headers_set(struct gcr_http_headers *h, const char *name,
			  const char *value)
{
	gcr_http_headers_remove(h, name);
	gcr_http_headers_add(h, name, value);
}

const char *gcr_http_headers_get(const struct gcr_http_headers *h, const char *name)
{
	for (size_t i = 0; i < h->count; i++)
		if (strcasecmp(h->items[i].name, name) == 0)
			return h->items[i].value;
	return NULL;
}

void gcr_http_headers_copy(struct gcr_http_headers *dst,
			   const struct gcr_http_headers *src)
{
	for (size_t i = 0; src && i < src->count; i++)
		gcr_http_headers_add(dst, src->items[i].name, src->items[i].value);
}

void gcr_http_headers_clear(struct gcr_http_headers *h)
{
	for (size_t i = 0; i < h->count; i++) {
		free(h->items[i].name);
		free(h->items[i].value);
	}
	free(h->items);
	gcr_http_headers_init(h);
}

/* ---- the loop side ------------------------------------------------------ */

static void check_multi_info(struct gcr_http *http);

static void maybe_free_client(struct gcr_http *http)
{
	if (http->closing && http->pending_closes == 0) {
		void (*closed)(void *) = http->closed;
		void *data = http->closed_data;
		free(http->ca_bundle);
		free(http);
		if (closed)
			closed(data);
	}
}

static void on_handle_closed(uv_handle_t *handle)
{
	struct gcr_http *http;

	if (handle->type == UV_POLL) {
		struct sock_ctx *sc = handle->data;
		http = sc->http;
		free(sc);
	} else {
		http = handle->data;
	}
	http->pending_closes--;
	maybe_free_client(http);
}

static void close_sock(struct sock_ctx *sc)
{
	struct gcr_http *http = sc->http;

	if (sc->prev)
		sc->prev->next = sc->next;
	else
		http->socks = sc->next;
	if (sc->next)
		sc->next->prev = sc->prev;
	sc->prev = sc->next = NULL;
	http->pending_closes++;
	uv_close((uv_handle_t *)&sc->poll, on_handle_closed);
}

static void on_poll(uv_poll_t *handle, int status, int events)
{
	struct sock_ctx *sc = handle->data;
	struct gcr_http *http = sc->http;
	int flags = 0, running;

	if (status < 0)
		flags = CURL_CSELECT_ERR;
	if (events & UV_READABLE)
		flags |= CURL_CSELECT_IN;
	if (events & UV_WRITABLE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(http->multi, sc->fd, flags, &running);
	check_multi_info(http);
}

static void on_timer(uv_timer_t *timer)
{
	struct gcr_http *http = timer->data;
	int running;

	curl_multi_socket_action(http->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_multi_info(http);
}

/* CURLMOPT_TIMERFUNCTION: one non-repeating timer; -1 stops it. */
static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct gcr_http *http = userp;

	(void)multi;
	if (timeout_ms < 0)
		uv_timer_stop(&http->timer);
	else
		uv_timer_start(&http->timer, on_timer, (uint64_t)timeout_ms, 0);
	return 0;
}

/* CURLMOPT_SOCKETFUNCTION: a uv_poll_t per socket, made on first use. */
static int on_curl_socket(CURL *easy, curl_socket_t fd, int action,
			  void *userp, void *socketp)
{
	struct gcr_http *http = userp;
	struct sock_ctx *sc = socketp;
	int events = 0;

	(void)easy;
	if (action == CURL_POLL_REMOVE) {
		if (sc) {
			uv_poll_stop(&sc->poll);
			if (!http->closing)
				curl_multi_assign(http->multi, fd, NULL);
			close_sock(sc);
		}
		return 0;
	}
	if (!sc) {
		sc = calloc(1, sizeof *sc);
		if (!sc)
			return -1;
		sc->fd = fd;
		sc->http = http;
		if (uv_poll_init_socket(http->loop, &sc->poll, fd) != 0) {
			free(sc);
			return -1;
		}
		sc->poll.data = sc;
		sc->next = http->socks;
		if (sc->next)
			sc->next->prev = sc;
		http->socks = sc;
		curl_multi_assign(http->multi, fd, sc);
	}
	if (action & CURL_POLL_IN)
		events |= UV_READABLE;
	if (action & CURL_POLL_OUT)
		events |= UV_WRITABLE;
	uv_poll_start(&sc->poll, events, on_poll);
	return 0;
}

/* ---- per-transfer callbacks ------------------------------------------- */

static size_t on_header(char *buf, size_t size, size_t n, void *userp)
{
	struct gcr_http_request *req = userp;
	size_t len = size * n, name_len, value_start, value_end;
	char *name, *value;

	/* Each status line starts a new set (100 Continue, then the answer). */
	if (len >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
		gcr_http_headers_clear(&req->resp.headers);
		return len;
	}
	const char *colon = memchr(buf, ':', len);
	if (!colon)
		return len;
	name_len = (size_t)(colon - buf);
	value_start = name_len + 1;
	while (value_start < len && (buf[value_start] == ' ' || buf[value_start] == '\t'))
		value_start++;
	value_end = len;
	while (value_end > value_start &&
	       (buf[value_end - 1] == '\r' || buf[value_end - 1] == '\n' ||
		buf[value_end - 1] == ' ' || buf[value_end - 1] == '\t'))
		value_end--;
	name = strndup(buf, name_len);
	value = strndup(buf + value_start, value_end - value_start);
	if (!name || !value)
		abort();
	gcr_http_headers_add(&req->resp.headers, name, value);
	free(name);
	free(value);
	return len;
}

static int to_file(struct gcr_http_request *req)
{
	long status = 0;

	if (!req->download_path)
		return 0;
	curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &status);
	return status >= 200 && status < 300;
}

static size_t on_write(char *buf, size_t size, size_t n, void *userp)
{
	struct gcr_http_request *req = userp;
	size_t len = size * n;

	req->resp.bytes_received += len;
	if (to_file(req)) {
		size_t done = 0;
		if (req->download_fd < 0) {
			req->download_fd = open(req->download_path,
						O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
			req->download_started = 1;
			if (req->download_fd < 0) {
				req->download_failed = errno;
				return 0;  /* aborts the transfer with CURLE_WRITE_ERROR */
			}
		}
		while (done < len) {
			ssize_t w = write(req->download_fd, buf + done, len - done);
			if (w < 0) {
				if (errno == EINTR)
					continue;
				req->download_failed = errno;
				return 0;
			}
			done += (size_t)w;
		}
		return len;
	}
	if (req->mem_len + len + 1 > req->mem_cap) {
		size_t cap = req->mem_cap ? req->mem_cap : 4096;
		while (cap < req->mem_len + len + 1)
			cap *= 2;
		char *grown = realloc(req->mem, cap);
		if (!grown) {
			req->mem_failed = 1;
			return 0;
		}
		req->mem = grown;
		req->mem_cap = cap;
	}
	memcpy(req->mem + req->mem_len, buf, len);
	req->mem_len += len;
	req->mem[req->mem_len] = '\0';
	return len;
}

static size_t on_read(char *buf, size_t size, size_t n, void *userp)
{
	struct gcr_http_request *req = userp;
	size_t want = size * n;

	if (req->upload_fd >= 0) {
		uint64_t left = req->upload_length - req->upload_pos;
		if (want > left)
			want = (size_t)left;
		if (want == 0)
			return 0;
		ssize_t got;
		do {
			got = pread(req->upload_fd, buf, want,
				    (off_t)(req->upload_offset + req->upload_pos));
		} while (got < 0 && errno == EINTR);
		if (got <= 0)
			return CURL_READFUNC_ABORT;  /* the file shrank or broke */
		req->upload_pos += (uint64_t)got;
		return (size_t)got;
	}
	if (want > req->body_len - req->body_pos)
		want = req->body_len - req->body_pos;
	memcpy(buf, req->body + req->body_pos, want);
	req->body_pos += want;
	return want;
}

/* libcurl rewinds the body when it must send it again (a redirect it does
 * not follow here, or a fresh connection after a stale reused one). */
static int on_seek(void *userp, curl_off_t offset, int origin)
{
	struct gcr_http_request *req = userp;

	if (origin != SEEK_SET || offset < 0)
		return CURL_SEEKFUNC_CANTSEEK;
	if (req->upload_fd >= 0) {
		if ((uint64_t)offset > req->upload_length)
			return CURL_SEEKFUNC_FAIL;
		req->upload_pos = (uint64_t)offset;
	} else {
		if ((size_t)offset > req->body_len)
			return CURL_SEEKFUNC_FAIL;
		req->body_pos = (size_t)offset;
	}
	return CURL_SEEKFUNC_OK;
}

static int on_progress(void *userp, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	struct gcr_http_request *req = userp;

	req->progress((uint64_t)ulnow, (uint64_t)ultotal, (uint64_t)dlnow,
		      (uint64_t)dltotal, req->progress_data);
	return 0;
}

/* ---- request life ------------------------------------------------------ */

static void unlink_request(struct gcr_http_request *req)
{
	struct gcr_http *http = req->http;

	if (req->prev)
		req->prev->next = req->next;
	else
		http->requests = req->next;
	if (req->next)
		req->next->prev = req->prev;
	req->prev = req->next = NULL;
	http->active--;
}

static void free_request(struct gcr_http_request *req)
{
	if (req->easy)
		curl_easy_cleanup(req->easy);
	curl_slist_free_all(req->header_list);
	free(req->method);
	free(req->body);
	if (req->upload_fd >= 0)
		close(req->upload_fd);
	if (req->download_fd >= 0)
		close(req->download_fd);
	free(req->download_path);
	free(req->mem);
	gcr_http_headers_clear(&req->resp.headers);
	free(req->resp.body);
	free(req);
}

static void set_failure(struct gcr_http_request *req, enum gcr_http_failure f,
			const char *fmt, const char *detail)
{
	req->resp.failure = f;
	snprintf(req->resp.failure_message, sizeof req->resp.failure_message,
		 fmt, detail);
}

/* Sorts a CURLcode into "never reached the server" and "may have acted". */
static void classify(struct gcr_http_request *req, CURLcode rc)
{
	const char *detail = req->curl_error[0] ? req->curl_error : curl_easy_strerror(rc);
	curl_off_t pretransfer = 0;
	long status = 0;

	curl_easy_getinfo(req->easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
	curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &status);
	switch (rc) {
	case CURLE_OK:
		req->resp.failure = GCR_HTTP_OK;
		return;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SSL_CONNECT_ERROR:
		set_failure(req, GCR_HTTP_NOT_SENT, _("could not connect: %s"), detail);
		return;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		set_failure(req, GCR_HTTP_TLS, _("TLS verification failed: %s"), detail);
		return;
	case CURLE_OPERATION_TIMEDOUT:
		if (pretransfer == 0)
			set_failure(req, GCR_HTTP_NOT_SENT, _("connection timed out: %s"), detail);
		else
			set_failure(req, GCR_HTTP_TIMEOUT, _("no answer in time: %s"), detail);
		return;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		if (pretransfer == 0)
			set_failure(req, GCR_HTTP_NOT_SENT, _("could not connect: %s"), detail);
		else if (status > 0)
			set_failure(req, GCR_HTTP_TRUNCATED, _("the answer was cut short: %s"), detail);
		else
			set_failure(req, GCR_HTTP_DROPPED, _("the connection was dropped: %s"), detail);
		return;
	case CURLE_PARTIAL_FILE:
		set_failure(req, GCR_HTTP_TRUNCATED, _("the answer was cut short: %s"), detail);
		return;
	case CURLE_WRITE_ERROR:
		if (req->download_failed)
			set_failure(req, GCR_HTTP_LOCAL, _("cannot write the download: %s"),
				    strerror(req->download_failed));
		else
			set_failure(req, GCR_HTTP_LOCAL, "%s", _("out of memory for the answer"));
		return;
	case CURLE_READ_ERROR:
	case CURLE_ABORTED_BY_CALLBACK:
		set_failure(req, GCR_HTTP_LOCAL, "%s", _("cannot read the file being uploaded"));
		return;
	default:
		set_failure(req, GCR_HTTP_OTHER, _("transfer failed: %s"), detail);
		return;
	}
}

static void complete(struct gcr_http_request *req, CURLcode rc)
{
	struct gcr_http_response *resp = &req->resp;
	double total = 0;

	classify(req, rc);
	if (resp->failure == GCR_HTTP_OK) {
		curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &resp->status);
		/* An empty 2xx download still makes the (empty) file. */
		if (req->download_path && !req->download_started && to_file(req)) {
			req->download_fd = open(req->download_path,
						O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
			if (req->download_fd < 0)
				set_failure(req, GCR_HTTP_LOCAL, _("cannot write the download: %s"),
					    strerror(errno));
		}
	}
	if (req->download_fd >= 0) {
		if (close(req->download_fd) != 0 && resp->failure == GCR_HTTP_OK)
			set_failure(req, GCR_HTTP_LOCAL, _("cannot write the download: %s"),
				    strerror(errno));
		req->download_fd = -1;
	}
	if (resp->failure != GCR_HTTP_OK) {
		resp->status = 0;
		if (req->download_started)
			unlink(req->download_path);
	}
	curl_easy_getinfo(req->easy, CURLINFO_TOTAL_TIME, &total);
	resp->total_seconds = total;
	resp->body = req->mem ? req->mem : xstrdup("");
	resp->body_len = req->mem_len;
	req->mem = NULL;
	gcr_log_debug("%s %s -> %ld (%s) %.3fs", req->method,
		      req->download_path ? "(to file)" : "", resp->status,
		      resp->failure == GCR_HTTP_OK ? "ok" : resp->failure_message, total);
	req->cb(resp, req->data);
}

/* Hands queued transfers to libcurl while there is room. */
static void admit_queued(struct gcr_http *http)
{
	while (!http->closing && http->queue_head && http->in_multi < http->admit_limit) {
		struct gcr_http_request *req = http->queue_head;

		http->queue_head = req->queue_next;
		if (!http->queue_head)
			http->queue_tail = NULL;
		req->queue_next = NULL;
		if (curl_multi_add_handle(http->multi, req->easy) != CURLM_OK) {
			unlink_request(req);
			complete(req, CURLE_FAILED_INIT);
			free_request(req);
			continue;
		}
		req->in_multi = 1;
		http->in_multi++;
	}
}

static void check_multi_info(struct gcr_http *http)
{
	CURLMsg *msg;
	int left;

	while (!http->closing && (msg = curl_multi_info_read(http->multi, &left))) {
		struct gcr_http_request *req = NULL;
		CURLcode rc;

		if (msg->msg != CURLMSG_DONE)
			continue;
		rc = msg->data.result;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&req);
		curl_multi_remove_handle(http->multi, msg->easy_handle);
		req->in_multi = 0;
		http->in_multi--;
		unlink_request(req);
		complete(req, rc);
		free_request(req);
	}
	admit_queued(http);
}

struct gcr_http *gcr_http_new(uv_loop_t *loop, const struct gcr_http_options *opts,
			      struct gcr_error *err)
{
	static int curl_ready;
	struct gcr_http *http;
	const char *ca;

	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			gcr_error_set(err, GCR_ERR_INTERNAL, "%s", _("libcurl failed to start"));
			return NULL;
		}
		curl_ready = 1;
	}
	http = calloc(1, sizeof *http);
	if (!http) {
		gcr_error_set(err, GCR_ERR_NOMEM, "%s", _("out of memory"));
		return NULL;
	}
	http->loop = loop;
	http->connect_timeout_ms = opts && opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : 10000;
	http->timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : 60000;
	ca = opts && opts->ca_bundle ? opts->ca_bundle : getenv("AWS_CA_BUNDLE");
	if (ca && *ca)
		http->ca_bundle = xstrdup(ca);
	http->multi = curl_multi_init();
	if (!http->multi) {
		free(http->ca_bundle);
		free(http);
		gcr_error_set(err, GCR_ERR_INTERNAL, "%s", _("libcurl failed to start"));
		return NULL;
	}
	uv_timer_init(loop, &http->timer);
	http->timer.data = http;  /* the published example forgets this (curl #19462) */
	curl_multi_setopt(http->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(http->multi, CURLMOPT_SOCKETDATA, http);
	curl_multi_setopt(http->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(http->multi, CURLMOPT_TIMERDATA, http);
	http->admit_limit = opts && opts->max_connections > 0 ? (size_t)opts->max_connections : 64;
	curl_multi_setopt(http->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)http->admit_limit);
	if (opts && opts->max_host_connections > 0)
		curl_multi_setopt(http->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
				  opts->max_host_connections);
	curl_multi_setopt(http->multi, CURLMOPT_MAXCONNECTS, 64L);
	return http;
}

uv_loop_t *gcr_http_loop(struct gcr_http *http)
{
	return http->loop;
}

size_t gcr_http_active(const struct gcr_http *http)
{
	return http->active;
}

static int has_header(const struct gcr_http_headers *h, const char *name)
{
	return h && gcr_http_headers_get(h, name) != NULL;
}

static enum gcr_status setup_upload(struct gcr_http_request *req,
				    const struct gcr_http_request_spec *spec,
				    struct gcr_error *err)
{
	if (spec->upload_path) {
		req->upload_fd = open(spec->upload_path, O_RDONLY | O_CLOEXEC);
		if (req->upload_fd < 0)
			return gcr_error_set(err, GCR_ERR_IO, _("cannot read %s: %s"),
					     spec->upload_path, strerror(errno));
		req->upload_offset = spec->upload_offset;
		req->upload_length = spec->upload_length;
	} else if (spec->body_len) {
		req->body = malloc(spec->body_len);
		if (!req->body)
			return gcr_error_set(err, GCR_ERR_NOMEM, "%s", _("out of memory"));
		memcpy(req->body, spec->body, spec->body_len);
		req->body_len = spec->body_len;
	}
	return GCR_OK;
}

struct gcr_http_request *gcr_http_send(struct gcr_http *http,
				       const struct gcr_http_request_spec *spec,
				       gcr_http_done_cb cb, void *data,
				       struct gcr_error *err)
{
	struct gcr_http_request *req;
	curl_off_t size;
	CURL *e;

	if (http->closing) {
		gcr_error_set(err, GCR_ERR_CANCELLED, "%s", _("the HTTP client is shutting down"));
		return NULL;
	}
	req = calloc(1, sizeof *req);
	if (!req) {
		gcr_error_set(err, GCR_ERR_NOMEM, "%s", _("out of memory"));
		return NULL;
	}
	req->http = http;
	req->upload_fd = req->download_fd = -1;
	req->cb = cb;
	req->data = data;
	req->method = xstrdup(spec->method ? spec->method : "GET");
	gcr_http_headers_init(&req->resp.headers);
	if (setup_upload(req, spec, err) != GCR_OK) {
		free_request(req);
		return NULL;
	}
	if (spec->download_path)
		req->download_path = xstrdup(spec->download_path);

	e = req->easy = curl_easy_init();
	if (!e) {
		free_request(req);
		gcr_error_set(err, GCR_ERR_INTERNAL, "%s", _("libcurl failed to start"));
		return NULL;
	}
	curl_easy_setopt(e, CURLOPT_URL, spec->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, req);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, req->curl_error);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	/* AWS signs the path as sent (S3 keys may hold "..", "//"). */
	curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (http->ca_bundle)
		curl_easy_setopt(e, CURLOPT_CAINFO, http->ca_bundle);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
			 spec->connect_timeout_ms > 0 ? spec->connect_timeout_ms : http->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
			 spec->timeout_ms > 0 ? spec->timeout_ms : http->timeout_ms);
	if (spec->fresh_connection)
		curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, req);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, req);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "gcrunner/" PACKAGE_VERSION);
	if (spec->progress) {
		req->progress = spec->progress;
		req->progress_data = spec->progress_data;
		curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(e, CURLOPT_XFERINFODATA, req);
		curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	}

	size = spec->upload_path ? (curl_off_t)spec->upload_length : (curl_off_t)spec->body_len;
	if (strcmp(req->method, "GET") == 0 && size == 0) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(req->method, "HEAD") == 0) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else if (strcmp(req->method, "POST") == 0) {
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, size);
		curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(e, CURLOPT_READDATA, req);
		curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek);
		curl_easy_setopt(e, CURLOPT_SEEKDATA, req);
	} else {
		/* PUT, DELETE and the rest: send the body (possibly empty) with
		 * an exact length, under the method asked for. */
		curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, size);
		curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(e, CURLOPT_READDATA, req);
		curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek);
		curl_easy_setopt(e, CURLOPT_SEEKDATA, req);
		if (strcmp(req->method, "PUT") != 0)
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
	}

	for (size_t i = 0; spec->headers && i < spec->headers->count; i++) {
		char *line = spec->headers->items[i].value[0]
			? gcr_strdup_printf("%s: %s", spec->headers->items[i].name,
					    spec->headers->items[i].value)
			: gcr_strdup_printf("%s;", spec->headers->items[i].name);
		req->header_list = curl_slist_append(req->header_list, line);
		free(line);
	}
	/* No "Expect: 100-continue" pause, and no form type AWS would refuse. */
	req->header_list = curl_slist_append(req->header_list, "Expect:");
	if (!has_header(spec->headers, "Content-Type"))
		req->header_list = curl_slist_append(req->header_list, "Content-Type:");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, req->header_list);

	req->next = http->requests;
	if (req->next)
		req->next->prev = req;
	http->requests = req;
	http->active++;
	if (http->in_multi >= http->admit_limit) {
		if (http->queue_tail)
			http->queue_tail->queue_next = req;
		else
			http->queue_head = req;
		http->queue_tail = req;
		return req;
	}
	if (curl_multi_add_handle(http->multi, e) != CURLM_OK) {
		unlink_request(req);
		free_request(req);
		gcr_error_set(err, GCR_ERR_INTERNAL, "%s", _("libcurl refused the transfer"));
		return NULL;
	}
	req->in_multi = 1;
	http->in_multi++;
	return req;
}

static void unqueue(struct gcr_http *http, struct gcr_http_request *req)
{
	struct gcr_http_request **p = &http->queue_head, *prev = NULL;

	while (*p && *p != req) {
		prev = *p;
		p = &(*p)->queue_next;
	}
	if (!*p)
		return;
	*p = req->queue_next;
	if (http->queue_tail == req)
		http->queue_tail = prev;
	req->queue_next = NULL;
}

void gcr_http_cancel(struct gcr_http_request *req)
{
	struct gcr_http *http = req->http;

	if (req->in_multi) {
		curl_multi_remove_handle(http->multi, req->easy);
		req->in_multi = 0;
		http->in_multi--;
	} else {
		unqueue(http, req);
	}
	unlink_request(req);
	req->resp.failure = GCR_HTTP_CANCELLED;
	snprintf(req->resp.failure_message, sizeof req->resp.failure_message, "%s",
		 _("cancelled"));
	if (req->download_fd >= 0) {
		close(req->download_fd);
		req->download_fd = -1;
	}
	if (req->download_started)
		unlink(req->download_path);
	req->resp.body = req->mem ? req->mem : xstrdup("");
	req->resp.body_len = req->mem_len;
	req->mem = NULL;
	req->cb(&req->resp, req->data);
	free_request(req);
	admit_queued(http);
}

void gcr_http_close(struct gcr_http *http, void (*closed)(void *data), void *data)
{
	if (http->closing)
		return;
	http->closing = 1;   /* no new transfers, nothing admitted from the queue */
	while (http->requests)
		gcr_http_cancel(http->requests);
	http->closed = closed;
	http->closed_data = data;
	/* Cleanup may still report sockets as removed; on_curl_socket closes
	 * their polls then, and the loop below closes the rest. */
	curl_multi_cleanup(http->multi);
	http->multi = NULL;
	while (http->socks)
		close_sock(http->socks);
	http->pending_closes++;
	uv_close((uv_handle_t *)&http->timer, on_handle_closed);
}

enum gcr_status gcr_http_failure_to_error(const struct gcr_http_response *resp,
					  const char *what, struct gcr_error *err)
{
	enum gcr_status code;

	switch (resp->failure) {
	case GCR_HTTP_OK:
		return GCR_OK;
	case GCR_HTTP_CANCELLED:
		code = GCR_ERR_CANCELLED;
		break;
	case GCR_HTTP_LOCAL:
		code = GCR_ERR_IO;
		break;
	default:
		code = GCR_ERR_NETWORK;
		break;
	}
	return gcr_error_set(err, code, "%s: %s", what, resp->failure_message);
}
