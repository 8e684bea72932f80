CREATE FUNCTION :"app_schema".template(n text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT body FROM psqlapp.templates WHERE name = n -- :welcome stays as written in a dollar quote
$$;
