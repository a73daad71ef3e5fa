//! Runnable examples over models/te24.json.
