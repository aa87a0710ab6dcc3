"""The CloudStack wire protocol: decoding, authentication, dispatch and rendering of /client/api calls."""
