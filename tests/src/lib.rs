//! End-to-end test suite lives in `e2e/`; this library is empty.
