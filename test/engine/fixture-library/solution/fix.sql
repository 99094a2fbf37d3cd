-- The fixture's fix: books found by author through an index.
CREATE INDEX IF NOT EXISTS books_author_idx ON books (author);
