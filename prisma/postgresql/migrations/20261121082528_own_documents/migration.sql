-- CreateTable
CREATE TABLE "OwnDocument" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "series" TEXT NOT NULL,
    "number" TEXT,
    "state" TEXT NOT NULL DEFAULT 'draft',
    "content" TEXT NOT NULL,
    "issuedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OwnDocument_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "OwnDocument_idempotencyKey_key" ON "OwnDocument"("idempotencyKey");

-- CreateIndex
CREATE INDEX "OwnDocument_shopDomain_idx" ON "OwnDocument"("shopDomain");

-- CreateIndex
CREATE UNIQUE INDEX "OwnDocument_shopDomain_series_number_key" ON "OwnDocument"("shopDomain", "series", "number");

