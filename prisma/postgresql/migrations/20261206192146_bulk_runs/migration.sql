-- CreateTable
CREATE TABLE "BulkRun" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "selected" INTEGER NOT NULL,
    "queued" INTEGER NOT NULL,
    "summary" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BulkRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BulkRun_shopDomain_createdAt_idx" ON "BulkRun"("shopDomain", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "BulkRun_shopDomain_requestId_key" ON "BulkRun"("shopDomain", "requestId");
