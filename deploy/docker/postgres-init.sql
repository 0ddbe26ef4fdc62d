-- docker-compose.yml: one database per service on the development server (first start only).
-- Keep in step with the services in docker-compose.yml (tests/Platform.DeployTests checks it).
CREATE DATABASE dispatch;
CREATE DATABASE pairing;
CREATE DATABASE funds;
CREATE DATABASE assessment;
CREATE DATABASE notification;
CREATE DATABASE identity;
