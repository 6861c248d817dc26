-- The provincial center's database is made by the image (POSTGRES_DB); the city center gets its own.
CREATE DATABASE bsm_fz OWNER bsm;
