-- Run once by the mysql image on an empty data volume. Each service creates its own tables with
-- Flyway at start-up; this only makes the databases and the users.
CREATE DATABASE IF NOT EXISTS halfmsg CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE DATABASE IF NOT EXISTS order_service CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE DATABASE IF NOT EXISTS repo_service CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

CREATE USER IF NOT EXISTS 'halfmsg'@'%' IDENTIFIED BY 'halfmsg';
GRANT ALL PRIVILEGES ON halfmsg.* TO 'halfmsg'@'%';

CREATE USER IF NOT EXISTS 'order_service'@'%' IDENTIFIED BY 'order_service';
GRANT ALL PRIVILEGES ON order_service.* TO 'order_service'@'%';

CREATE USER IF NOT EXISTS 'repo_service'@'%' IDENTIFIED BY 'repo_service';
GRANT ALL PRIVILEGES ON repo_service.* TO 'repo_service'@'%';
