-- Run once by the postgres image on an empty data directory
-- (mounted into /docker-entrypoint-initdb.d/ by docker-compose.yml).
-- One database per service: no service reads another's tables.
CREATE DATABASE kluis_identity;
CREATE DATABASE kluis_dossier;
CREATE DATABASE kluis_documents;
CREATE DATABASE kluis_notify;
CREATE DATABASE kluis_signing;
