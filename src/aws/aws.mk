## The AWS client core: signer, credentials, HTTP on libuv, retries, clients (issue 4).

## HTTP on libuv, retries, AWS protocols and service clients (awshttp).
libgcrengine_a_SOURCES += \
	src/aws/http.c src/aws/http.h
