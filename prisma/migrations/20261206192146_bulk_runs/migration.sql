-- CreateTable
CREATE TABLE "BulkRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopDomain" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "selected" INTEGER NOT NULL,
    "queued" INTEGER NOT NULL,
    "summary" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "BulkRun_shopDomain_createdAt_idx" ON "BulkRun"("shopDomain", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "BulkRun_shopDomain_requestId_key" ON "BulkRun"("shopDomain", "requestId");

