"""Entity -> response dict, one function per CloudStack response object."""
