-- The fixture library's one table, and the seed's marker.
CREATE TABLE IF NOT EXISTS books (
  id     integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title  text    NOT NULL,
  author integer NOT NULL
);
CREATE TABLE IF NOT EXISTS library_seed (books integer NOT NULL);
