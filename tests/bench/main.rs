//! The bench commands end to end, at tiny sizes: each runs on SQLite (and PostgreSQL when
//! `TEST_DATABASE_URL` is set) through the real `tiktickets` binary and prints its summary line
//! in the documented format. No test here asserts a time.

mod fanout;
mod ingest;
mod seed;
mod support;
mod ticket_list;
