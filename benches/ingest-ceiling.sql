-- The raw-SQL ceiling of inbound ingest, for pgbench (PostgreSQL).
--
-- One pgbench transaction = one inbound WhatsApp message ingested the way the product does it
-- (crates/domain/src/services/ingest.rs -> Services::ingest, and the persistence code it
-- calls in crates/persistence/src/stores/), with the same statements written by hand in one
-- transaction, without the ORM, and without the existence checks that the foreign keys and
-- the tenant filters already cover:
--   1. the channel and tenant ids: the session holds them in memory; pgbench looks them up
--      before the transaction (one extra round trip the product does not make);
--   2. no replay look-up: a replayed WhatsApp message id is found by the message insert
--      (ON CONFLICT DO NOTHING), and the product then rolls the transaction back;
--   3. contacts.upsert_inbound: the contact by (number, tenantId), its number in both Brazilian
--      forms (with and without the ninth digit, phone::lookup_variants), inserted if absent
--      (an unchanged pushname means no UPDATE of a known contact);
--   4. tickets.find_or_create_for_inbound: the open-or-pending ticket of (tenant, channel,
--      contact); else (the channel is checked to be the tenant's) the newest closed one is
--      reopened as pending (inbound) or kept (sent from the phone); else a new ticket
--      (pending, or closed when sent from the phone);
--   5. messages.insert: the message with its unique (tenantId, messageId), DO NOTHING on a
--      replay;
--   6. tickets.record_message: lastMessage, lastMessageAt, answered, updatedAt and, for an
--      inbound message, unreadMessages + 1; the ticket is read back (RETURNING *).
--
-- The mix is the ingest benchmark's: random bench tenants; 80 % known contacts (contact i of
-- `Bench Tenant <n>` has the number of tiktickets_persistence::bench_seed::
-- bench_contact_number(n, i), computed below), 20 % new numbers (area code 21, which the seed
-- never uses; a per-client range, so two clients never race on one new contact); 10 % of the
-- messages sent from the connected phone (fromMe).
--
-- Data: the bench tenants of `tiktickets bench seed` (ids and channels are looked up by name).
-- Variables (pgbench -D): tenants = how many `Bench Tenant <n>` there are; contacts = seeded
-- contacts per bench tenant (the smallest tenant's count of numbers not starting with 5521).
--
-- Run (or `just bench-ingest-ceiling`, which seeds if needed, computes the variables, then
-- runs this and `tiktickets bench ingest` at the same concurrency and prints the ratio):
--   tiktickets bench seed --tenants 10 --contacts 20000 --tickets 20000 --messages 100000
--   pgbench -n -M prepared -f benches/ingest-ceiling.sql -c 8 -j 2 -t 2500 \
--       -D tenants=10 -D contacts=2000 "$DATABASE_URL"
-- -M prepared: the product's driver (sqlx) uses prepared statements too. Every transaction
-- inserts one message (ids `pgb_<client>_<random>`), so repeated runs grow the data.

\set n random(1, :tenants)
\set from_me case when random(1, 100) <= 10 then 1 else 0 end
\set new case when random(1, 100) <= 20 then 1 else 0 end
\set r random(1, 999999999999)
-- Known contact i of tenant n: x = (i * 7654321 + n * 1234567) mod 1.8e9, area code from
-- x mod 45, subscriber 60000000 + x / 45.
\set i random(0, :contacts - 1)
\set x (:i * 7654321 + :n * 1234567) % 1800000000
\set a :x % 45
\set area (case when :a < 9 then 1 when :a < 18 then 4 when :a < 27 then 6 when :a < 36 then 8 else 9 end) * 10 + :a % 9 + 1
\set sub 60000000 + :x / 45
\if :new
\set area 21
\set sub 60000000 + (:client_id % 400) * 100000 + random(0, 99999)
\endif
-- The stored 13-digit form and the old 12-digit form (without the ninth digit).
\set num13 5500000000000 + :area * 1000000000 + 900000000 + :sub
\set num12 550000000000 + :area * 100000000 + :sub

-- 1. The channel (and its tenant): in the product's memory, looked up here.
SELECT w.id AS channel, w."tenantId" AS tenant FROM "Whatsapps" w JOIN "Tenants" t ON t.id = w."tenantId" WHERE t.name = 'Bench Tenant ' || (:n)::text AND w."isDefault" = TRUE AND w."isActive" = TRUE \gset

BEGIN;

-- 3. Contact upsert.
SELECT COALESCE(MAX(id), 0) AS cid FROM "Contacts" WHERE "tenantId" = :tenant AND number IN ((:num13)::text, (:num12)::text) \gset
\if :cid = 0
INSERT INTO "Contacts" (name, number, "isGroup", "tenantId", pushname, "isUser", "isWAContact", "createdAt", "updatedAt") VALUES ((:num13)::text, (:num13)::text, FALSE, :tenant, NULL, TRUE, TRUE, now(), now()) RETURNING id AS cid \gset
\endif

-- 4. Ticket find-or-create.
SELECT COALESCE(MAX(id), 0) AS tid FROM "Tickets" WHERE "tenantId" = :tenant AND "contactId" = :cid AND "whatsappId" = :channel AND status IN ('open', 'pending') \gset
\if :tid = 0
SELECT COUNT(*) AS channel_ok FROM "Whatsapps" WHERE id = :channel AND "tenantId" = :tenant \gset
SELECT COALESCE(MAX(id), 0) AS closed_id FROM (SELECT id FROM "Tickets" WHERE "tenantId" = :tenant AND "contactId" = :cid AND "whatsappId" = :channel AND status = 'closed' ORDER BY "updatedAt" DESC, id DESC LIMIT 1) newest \gset
\if :closed_id > 0
\set tid :closed_id
\if :from_me = 0
UPDATE "Tickets" SET status = 'pending', "unreadMessages" = 0, "updatedAt" = now() WHERE id = :closed_id AND "tenantId" = :tenant AND status = 'closed' AND NOT EXISTS (SELECT 1 FROM "Tickets" a WHERE a."tenantId" = :tenant AND a."contactId" = :cid AND a."whatsappId" = :channel AND a.status IN ('open', 'pending'));
\endif
\else
WITH created AS (INSERT INTO "Tickets" (status, "contactId", "whatsappId", "isGroup", "tenantId", "unreadMessages", answered, channel, "closedAt", "isActiveDemand", "botRetries", "isFarewellMessage", "attendanceCount", "createdAt", "updatedAt") VALUES (CASE WHEN (:from_me)::int = 1 THEN 'closed' ELSE 'pending' END, :cid, :channel, FALSE, :tenant, 0, (:from_me)::int = 1, 'whatsapp', CASE WHEN (:from_me)::int = 1 THEN (extract(epoch FROM now()) * 1000)::bigint END, FALSE, 0, FALSE, 0, now(), now()) ON CONFLICT ("tenantId", "whatsappId", "contactId") WHERE status IN ('open', 'pending') DO NOTHING RETURNING id) SELECT COALESCE((SELECT id FROM created), 0) AS tid \gset
-- Another client created it first (the product retries the same way): take theirs.
\if :tid = 0
SELECT COALESCE(MAX(id), 0) AS tid FROM "Tickets" WHERE "tenantId" = :tenant AND "contactId" = :cid AND "whatsappId" = :channel AND status IN ('open', 'pending') \gset
\endif
\endif
\endif

-- 5. The message.
INSERT INTO "Messages" (id, "messageId", body, ack, read, "fromMe", "mediaType", "ticketId", "contactId", "timestamp", status, "tenantId", "protocolNumber", "isDeleted", "createdAt", "updatedAt") VALUES (gen_random_uuid()::text, 'pgb_' || (:client_id)::text || '_' || (:r)::text, 'Olá, qual o status do meu pedido ' || (:r)::text || '?', CASE WHEN (:from_me)::int = 1 THEN 1 ELSE 0 END, (:from_me)::int = 1, (:from_me)::int = 1, 'chat', :tid, CASE WHEN (:from_me)::int = 1 THEN NULL ELSE (:cid)::int END, extract(epoch FROM now())::bigint, 'received', :tenant, '', FALSE, now(), now()) ON CONFLICT ("tenantId", "messageId") WHERE "messageId" IS NOT NULL DO NOTHING;

-- 6. The ticket's counters, read back.
UPDATE "Tickets" SET "lastMessage" = 'Olá, qual o status do meu pedido ' || (:r)::text || '?', "lastMessageAt" = (extract(epoch FROM clock_timestamp()) * 1000)::bigint, answered = (:from_me)::int = 1, "updatedAt" = now(), "unreadMessages" = CASE WHEN (:from_me)::int = 1 THEN "unreadMessages" ELSE COALESCE("unreadMessages", 0) + 1 END WHERE id = :tid AND "tenantId" = :tenant RETURNING *;

COMMIT;
