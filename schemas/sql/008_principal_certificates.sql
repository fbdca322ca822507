-- A principal may be bound to a client certificate (API.md §13): its token is then accepted only
-- over a TLS connection that presented that certificate. Lower-case hex SHA-256 of the DER.
ALTER TABLE principals ADD COLUMN client_cert_sha256 CHAR(64) NULL;
