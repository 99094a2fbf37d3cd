-- Runs once, when the db service creates its data volume.
-- The app connects as feed_app, which owns the feed database (so it can create its
-- tables and indexes) and is not a superuser.
CREATE ROLE feed_app LOGIN PASSWORD 'feed_app';
CREATE DATABASE feed OWNER feed_app;
