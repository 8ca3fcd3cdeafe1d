-- Each service owns its own database; none reads another's.
CREATE DATABASE auth;
CREATE DATABASE store;
CREATE DATABASE metadata;
CREATE DATABASE posts;
CREATE DATABASE notification;
