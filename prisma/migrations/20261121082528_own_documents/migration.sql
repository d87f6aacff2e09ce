-- CreateTable
CREATE TABLE "OwnDocument" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "series" TEXT NOT NULL,
    "number" TEXT,
    "state" TEXT NOT NULL DEFAULT 'draft',
    "content" TEXT NOT NULL,
    "issuedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "OwnDocument_idempotencyKey_key" ON "OwnDocument"("idempotencyKey");

-- CreateIndex
CREATE INDEX "OwnDocument_shopDomain_idx" ON "OwnDocument"("shopDomain");

-- CreateIndex
CREATE UNIQUE INDEX "OwnDocument_shopDomain_series_number_key" ON "OwnDocument"("shopDomain", "series", "number");

