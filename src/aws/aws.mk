## The AWS client core: signer, credentials, HTTP on libuv, retries, clients (issue 4).
