"""The sandbox's request handling: wire envelopes, auth, parameter parsing and a module per family."""
